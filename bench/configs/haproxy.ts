/** HAProxy config for one proxy hop: HTTP/1.1 with server keep-alive, and gRPC over h2c. One thread. */
import type { ProxyHop } from './nginx.js';

export function haproxyConfig(hop: ProxyHop): string {
  const grpc = hop.grpc
    ? `
frontend grpc_in
  bind 127.0.0.1:${hop.grpc.listenPort} proto h2
  default_backend grpc_next

backend grpc_next
  server next 127.0.0.1:${hop.grpc.upstreamPort} proto h2
`
    : '';
  return `global
  nbthread 1
  maxconn 8000

defaults
  mode http
  timeout connect 5s
  timeout client 120s
  timeout server 120s
  timeout http-keep-alive 120s
  option http-keep-alive
  http-reuse always

frontend http_in
  bind 127.0.0.1:${hop.listenPort}
  default_backend http_next

backend http_next
  server next 127.0.0.1:${hop.upstreamPort}
${grpc}`;
}
