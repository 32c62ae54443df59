/** An immutable view of the cluster, the translator's only input besides the proxy's identity. */
import type { Route, TrafficPolicy } from '../../common/config/types.js';
import type { K8sEndpointSlice, K8sNamespace, K8sPod, K8sService } from './k8s-objects.js';

/** Routes attached to one Service (GAMMA), in precedence order; backends not yet checked against the config. */
export type AttachedRoutes = ReadonlyMap<string, readonly Route[]>;

export interface ClusterSnapshot {
  /** Increases with every change; memoisation key. */
  readonly revision: number;
  /** All maps are keyed `namespace/name` (namespaces by name). */
  readonly services: ReadonlyMap<string, K8sService>;
  readonly endpointSlices: ReadonlyMap<string, K8sEndpointSlice>;
  readonly pods: ReadonlyMap<string, K8sPod>;
  readonly namespaces: ReadonlyMap<string, K8sNamespace>;
  /** The effective (accepted, merged) TrafficPolicy per target Service key. */
  readonly policies: ReadonlyMap<string, TrafficPolicy>;
  /** Accepted HTTPRoute/GRPCRoute rules per parent Service key. */
  readonly routes: AttachedRoutes;
}

export const emptySnapshot: ClusterSnapshot = Object.freeze({
  revision: 0,
  services: new Map(),
  endpointSlices: new Map(),
  pods: new Map(),
  namespaces: new Map(),
  policies: new Map(),
  routes: new Map(),
});
