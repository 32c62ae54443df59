/**
 * The label names of the sidecar's per-request and per-service metrics, apart from the registry
 * (sidecar-metrics.ts) so the label caches (series-labels.ts) can name them without importing the
 * registry that uses those caches.
 */
/** Who called and who was called; the shared label set of the per-request metrics. */
export const peerLabels = [
  'direction',
  'source_workload',
  'source_namespace',
  'destination_service',
  'destination_namespace',
  'destination_workload',
  'route',
] as const;
export const requestLabels = [...peerLabels, 'status_code', 'status_class', 'grpc_status', 'error_code'] as const;
export const serviceLabels = ['destination_service', 'destination_namespace'] as const;

export type PeerLabel = (typeof peerLabels)[number];
export type RequestLabel = (typeof requestLabels)[number];
export type ServiceLabel = (typeof serviceLabels)[number];
