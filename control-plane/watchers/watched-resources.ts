/** The API resources the control plane watches, cluster-wide. Optional ones are CRDs that may not be installed. */
import type { ResourceKind } from '../state/cluster-state.js';

export interface WatchedResource {
  kind: ResourceKind;
  /** Collection path across all namespaces. */
  path: string;
  /** Group/version, for the discovery check of optional CRDs. */
  groupVersion: string;
  plural: string;
  optional: boolean;
}

export const watchedResources: readonly WatchedResource[] = [
  { kind: 'Namespace', path: '/api/v1/namespaces', groupVersion: 'v1', plural: 'namespaces', optional: false },
  { kind: 'Service', path: '/api/v1/services', groupVersion: 'v1', plural: 'services', optional: false },
  { kind: 'EndpointSlice', path: '/apis/discovery.k8s.io/v1/endpointslices', groupVersion: 'discovery.k8s.io/v1', plural: 'endpointslices', optional: false },
  { kind: 'Pod', path: '/api/v1/pods', groupVersion: 'v1', plural: 'pods', optional: false },
  { kind: 'TrafficPolicy', path: '/apis/policy.weft.dev/v1alpha1/trafficpolicies', groupVersion: 'policy.weft.dev/v1alpha1', plural: 'trafficpolicies', optional: true },
  { kind: 'HTTPRoute', path: '/apis/gateway.networking.k8s.io/v1/httproutes', groupVersion: 'gateway.networking.k8s.io/v1', plural: 'httproutes', optional: true },
  { kind: 'GRPCRoute', path: '/apis/gateway.networking.k8s.io/v1/grpcroutes', groupVersion: 'gateway.networking.k8s.io/v1', plural: 'grpcroutes', optional: true },
];
