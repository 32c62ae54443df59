/** Who emits the spans: this sidecar's workload, as both span formats name it. */
import type { NodeIdentity } from '../../../common/config/types.js';

export interface SpanResource {
  /** `workload.namespace`, the service name tracing UIs group by. */
  serviceName: string;
  namespace: string;
  pod?: string;
}

export function resourceOf(node: NodeIdentity): SpanResource {
  return { serviceName: `${node.workload}.${node.namespace}`, namespace: node.namespace, pod: node.pod };
}

/** Split `address:port` (IPv6 in brackets or bare) as recorded in RequestStats.upstream. */
export function splitHostPort(upstream: string): { address: string; port: number } | undefined {
  const i = upstream.lastIndexOf(':');
  if (i <= 0) return undefined;
  const port = Number(upstream.slice(i + 1));
  if (!Number.isInteger(port) || port <= 0 || port > 65535) return undefined;
  return { address: upstream.slice(0, i).replace(/^\[|\]$/g, ''), port };
}
