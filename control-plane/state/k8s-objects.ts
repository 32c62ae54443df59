/**
 * The Kubernetes objects the control plane reads, narrowed to the fields it uses. Field names are
 * the API's own, so test fixtures are plain manifests; these are wire types, apart from ProxyConfig.
 */
import { namespacedKey } from '../../common/keys.js';

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: { kind: string; name: string; controller?: boolean }[];
}

export interface K8sObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
}

export interface ServicePortSpec {
  name?: string;
  port: number;
  targetPort?: number | string;
  protocol?: string;
  appProtocol?: string;
}

export interface K8sService extends K8sObject {
  spec?: {
    type?: string;
    clusterIP?: string;
    clusterIPs?: string[];
    selector?: Record<string, string>;
    ports?: ServicePortSpec[];
  };
}

export interface K8sEndpointSlice extends K8sObject {
  addressType?: string;
  endpoints?: {
    addresses: string[];
    conditions?: { ready?: boolean | null; serving?: boolean | null; terminating?: boolean | null };
    targetRef?: { kind?: string; name?: string; namespace?: string };
    nodeName?: string;
    zone?: string;
  }[];
  ports?: { name?: string | null; port?: number | null; protocol?: string; appProtocol?: string }[] | null;
}

export interface K8sPod extends K8sObject {
  spec?: {
    serviceAccountName?: string;
    containers?: { name: string; ports?: { name?: string; containerPort: number; protocol?: string }[] }[];
  };
  status?: { podIP?: string; phase?: string };
}

export type K8sNamespace = K8sObject;

/** A Gateway API or weft policy object: its spec is validated by the policy module, not typed here. */
export interface K8sPolicyObject extends K8sObject {
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

export function objectKey(o: K8sObject): string {
  return namespacedKey(o.metadata.namespace, o.metadata.name);
}
