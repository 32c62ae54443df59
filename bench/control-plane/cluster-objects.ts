/**
 * The Kubernetes objects of the control-plane benchmarks: N selector-less Services with one
 * hand-written EndpointSlice of M endpoints each (no pods needed), and the change each run makes.
 * The same objects feed the in-process fan-out server and the API-server benchmark.
 */
import type { K8sEndpointSlice, K8sService } from '../../control-plane/state/k8s-objects.js';

export const BENCH_PORT = 8080;

export function serviceName(i: number): string {
  return `svc-${i}`;
}

export function benchService(namespace: string, i: number): K8sService {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: serviceName(i), namespace, labels: { 'app.kubernetes.io/part-of': 'weft-bench' } },
    spec: { ports: [{ name: 'http', port: BENCH_PORT, targetPort: BENCH_PORT, protocol: 'TCP' }] },
  };
}

/** Endpoint j of service i: 10.(64 + i / 256).(i % 256).(j + 1), unique for up to 16k services of 254 endpoints. */
export function endpointAddress(i: number, j: number): string {
  return `10.${64 + (i >> 8)}.${i & 255}.${j + 1}`;
}

export function benchSlice(namespace: string, i: number, endpoints: number, notReady: ReadonlySet<number> = new Set()): K8sEndpointSlice & { apiVersion: string; kind: string } {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: `${serviceName(i)}-bench`, namespace, labels: { 'kubernetes.io/service-name': serviceName(i), 'endpointslice.kubernetes.io/managed-by': 'weft-bench' } },
    addressType: 'IPv4',
    endpoints: Array.from({ length: endpoints }, (_, j) => ({ addresses: [endpointAddress(i, j)], conditions: { ready: !notReady.has(j) } })),
    ports: [{ name: 'http', port: BENCH_PORT, protocol: 'TCP' }],
  };
}

/**
 * Change k of a run: service 0's endpoint (k mod M) flips to not ready on odd k and back on even
 * k, so every change is visible in every proxy's config and the run ends where it started when
 * the count of changes is even.
 */
export function changedSlice(namespace: string, endpoints: number, k: number): { slice: K8sEndpointSlice; address: string; ready: boolean } {
  const j = Math.floor((k - 1) / 2) % endpoints;
  const ready = k % 2 === 0;
  return { slice: benchSlice(namespace, 0, endpoints, ready ? new Set() : new Set([j])), address: endpointAddress(0, j), ready };
}
