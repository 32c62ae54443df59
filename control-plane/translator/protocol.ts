/** Which protocol a Service port speaks: appProtocol first, then the Istio-style port-name prefix, else HTTP. */
import type { Protocol } from '../../common/config/types.js';

const byAppProtocol: Record<string, Protocol> = {
  http: 'http',
  'kubernetes.io/h2c': 'http2',
  http2: 'http2',
  h2c: 'http2',
  grpc: 'grpc',
  tcp: 'tcp',
  'kubernetes.io/ws': 'http',
  'kubernetes.io/wss': 'tcp',
  https: 'tcp',
  tls: 'tcp',
  mongo: 'tcp',
  mysql: 'tcp',
  redis: 'tcp',
};

/**
 * HTTP is the default (as in the static config) so that unnamed ports of web services get the L7
 * features; anything else declares itself with appProtocol or a `tcp-`/`grpc-`/`http2-` name.
 */
export function portProtocol(port: { name?: string | null; appProtocol?: string | null }): Protocol {
  const app = port.appProtocol?.toLowerCase();
  if (app && byAppProtocol[app]) return byAppProtocol[app];
  const prefix = port.name?.toLowerCase().split('-')[0] ?? '';
  return byAppProtocol[prefix] ?? 'http';
}
