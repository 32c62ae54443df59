/**
 * The admin HTTP server: /metrics (Prometheus text), /ready, /live, /config, and POST /shutdown
 * (drain and exit, loopback callers only). It sees the sidecar through the narrow AdminTarget.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Clock } from '../../common/clock.js';
import type { ListenAddress, ProxyConfig } from '../../common/config/types.js';
import type { Logger } from '../../common/log.js';
import type { EndpointHealth } from '../balancer/endpoint-health.js';
import { isLoopbackAddress } from './loopback.js';

/** What the admin server needs from a sidecar, and nothing more. */
export interface AdminTarget {
  /** The config in use, with the wall-clock time (epoch ms) it was applied; undefined before the first. */
  currentConfig(): { config: ProxyConfig; appliedAt: number } | undefined;
  /** True once draining began (SIGTERM or /shutdown): readiness turns false. */
  isDraining(): boolean;
  /** Per service port, what balancing and outlier detection know of each endpoint (ejections); shown in /config. */
  endpointHealth?(): Record<string, EndpointHealth[]>;
  /** Drain in-flight work and end the process; /shutdown answers before this completes. */
  shutdown(): Promise<void>;
  registry: Registry;
}

export interface AdminServerOptions {
  target: AdminTarget;
  listen: ListenAddress;
  clock: Clock;
  log: Logger;
  /** Who may POST /shutdown; tests inject a stricter check. */
  allowShutdownFrom?: (remoteAddress: string | undefined) => boolean;
}

export interface AdminServer {
  readonly port: number;
  close(): Promise<void>;
}

export async function startAdminServer(options: AdminServerOptions): Promise<AdminServer> {
  const server = createServer((req, res) => {
    route(options, req, res).catch((err: unknown) => {
      options.log.error({ err, path: req.url }, 'admin request failed');
      if (!res.headersSent) send(res, 500, 'text/plain', 'internal error\n');
      else res.destroy();
    });
  });
  // The admin port is scraped by Prometheus and probed by the kubelet: keep slow clients bounded.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  await listen(server, options.listen);
  const port = (server.address() as AddressInfo).port;
  options.log.info({ address: options.listen.address, port }, 'admin server listening');
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function route(options: AdminServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { target } = options;
  const path = (req.url ?? '/').split('?')[0];
  const method = req.method ?? 'GET';
  if (path === '/shutdown') {
    if (method !== 'POST') return sendAllow(res, 'POST');
    const allowed = options.allowShutdownFrom ?? isLoopbackAddress;
    if (!allowed(req.socket.remoteAddress)) {
      options.log.warn({ remote: req.socket.remoteAddress }, 'refused /shutdown from a non-loopback caller');
      return send(res, 403, 'text/plain', 'shutdown is allowed from loopback only\n');
    }
    options.log.info('shutdown requested over the admin server');
    send(res, 202, 'text/plain', 'draining\n');
    target.shutdown().catch((err: unknown) => options.log.error({ err }, 'shutdown failed'));
    return;
  }
  if (method !== 'GET' && method !== 'HEAD') return sendAllow(res, 'GET, HEAD');
  switch (path) {
    case '/metrics':
      return send(res, 200, target.registry.contentType, await target.registry.metrics());
    case '/ready': {
      const loaded = target.currentConfig() !== undefined;
      const draining = target.isDraining();
      const ready = loaded && !draining;
      return send(res, ready ? 200 : 503, 'text/plain', ready ? 'ready\n' : draining ? 'draining\n' : 'no config yet\n');
    }
    case '/live':
      return send(res, 200, 'text/plain', 'live\n');
    case '/config': {
      const current = target.currentConfig();
      if (!current) return send(res, 503, 'application/json', JSON.stringify({ error: 'no config yet' }));
      const body = {
        version: current.config.version,
        appliedAt: new Date(current.appliedAt).toISOString(),
        ageSeconds: Math.max(0, (options.clock.wallNow() - current.appliedAt) / 1000),
        config: current.config,
        endpoints: target.endpointHealth?.(),
      };
      return send(res, 200, 'application/json', JSON.stringify(body, null, 2));
    }
    default:
      return send(res, 404, 'text/plain', 'not found; try /metrics, /ready, /live, /config, POST /shutdown\n');
  }
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

function sendAllow(res: ServerResponse, allow: string): void {
  res.setHeader('allow', allow);
  send(res, 405, 'text/plain', 'method not allowed\n');
}

function listen(server: Server, at: ListenAddress): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(at.port, at.address, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
