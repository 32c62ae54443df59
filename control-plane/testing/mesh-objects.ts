/** A small mesh as Kubernetes objects, for tests of the translator and the snapshot encoding: a workload of pods, Services selecting it, EndpointSlices. */
import type { ProxyIdentity } from '../state/proxy-identity.js';
import { ClusterState } from '../state/cluster-state.js';
import type { K8sEndpointSlice, K8sPod, K8sService } from '../state/k8s-objects.js';

export function meshService(name: string, namespace: string, selector?: Record<string, string>, targetPort = 8080): K8sService {
  return { kind: 'Service', metadata: { name, namespace }, spec: { clusterIPs: ['10.96.0.1'], selector, ports: [{ name: 'http', port: 80, targetPort }] } };
}

export function meshSlice(service: string, namespace: string, addresses: string[], notReady: string[] = []): K8sEndpointSlice {
  return {
    kind: 'EndpointSlice',
    metadata: { name: `${service}-1`, namespace, labels: { 'kubernetes.io/service-name': service } },
    addressType: 'IPv4',
    endpoints: addresses.map((a) => ({ addresses: [a], conditions: { ready: !notReady.includes(a) } })),
    ports: [{ name: 'http', port: 8080 }],
  };
}

export function meshPod(name: string, namespace: string, labels: Record<string, string>): K8sPod {
  return { kind: 'Pod', metadata: { name, namespace, labels }, spec: { serviceAccountName: 'sa', containers: [{ name: 'app' }] } };
}

export function proxyOf(pod: K8sPod): ProxyIdentity {
  return { pod: pod.metadata.name, namespace: pod.metadata.namespace ?? 'default', serviceAccount: 'sa', workload: pod.metadata.name.replace(/-\d+$/, ''), labels: pod.metadata.labels ?? {} };
}

/**
 * `services` Services in `default` (svc-0 selects app=web, svc-1 selects app=api, the rest select
 * nothing; svc-i targets port 8080 + i) with `endpoints` endpoints each, pods web-1, web-2 (app=web) and api-1 (app=api).
 */
export function meshState(services: number, endpoints: number): { state: ClusterState; pods: K8sPod[] } {
  const state = new ClusterState();
  const selectors = [{ app: 'web' }, { app: 'api' }];
  state.onReplace('Service', Array.from({ length: services }, (_, i) => meshService(`svc-${i}`, 'default', selectors[i], 8080 + i)));
  state.onReplace('EndpointSlice', Array.from({ length: services }, (_, i) => meshSlice(`svc-${i}`, 'default', Array.from({ length: endpoints }, (_, j) => `10.1.${i}.${j + 1}`))));
  const pods = [meshPod('web-1', 'default', { app: 'web' }), meshPod('web-2', 'default', { app: 'web' }), meshPod('api-1', 'default', { app: 'api' })];
  state.onReplace('Pod', pods);
  return { state, pods };
}
