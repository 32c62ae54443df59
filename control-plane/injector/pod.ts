/** The parts of a Pod (or a pod template) the injector reads; everything else passes through untouched. */

export interface NamedItem {
  name: string;
  [field: string]: unknown;
}

export interface PodLike {
  metadata?: {
    name?: string;
    generateName?: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: { kind: string; name: string; controller?: boolean }[];
    [field: string]: unknown;
  };
  spec?: {
    hostNetwork?: boolean;
    initContainers?: NamedItem[];
    containers?: NamedItem[];
    volumes?: NamedItem[];
    [field: string]: unknown;
  };
  [field: string]: unknown;
}

/** Where the pod lives and what its namespace says, which the Pod object itself does not carry. */
export interface PodContext {
  namespace: string;
  namespaceLabels: Record<string, string>;
  /** The workload name the sidecar reports (metrics' workload label). */
  workload: string;
}
