/** The control plane's HTTP endpoint (port 15014 by default): /healthz, /readyz, /metrics, /debug/proxies. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../common/log.js';
import type { ControlPlaneMetrics } from '../metrics/control-plane-metrics.js';

export interface AdminSources {
  metrics: ControlPlaneMetrics;
  log: Logger;
  /** Why the control plane is not ready yet, or undefined when it is. */
  notReady: () => string | undefined;
  proxies: () => unknown;
}

export class AdminServer {
  private readonly server: Server;

  constructor(private readonly src: AdminSources) {
    this.server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      const reply = (status: number, body: string, type = 'text/plain; charset=utf-8'): void => {
        res.writeHead(status, { 'content-type': type });
        res.end(body);
      };
      if (path === '/healthz') return reply(200, 'ok\n');
      if (path === '/readyz') {
        const why = this.src.notReady();
        return why ? reply(503, `${why}\n`) : reply(200, 'ready\n');
      }
      if (path === '/metrics') {
        this.src.metrics.registry.metrics().then(
          (text) => reply(200, text, this.src.metrics.registry.contentType),
          (err: Error) => reply(500, err.message),
        );
        return;
      }
      if (path === '/debug/proxies') return reply(200, `${JSON.stringify(this.src.proxies(), null, 2)}\n`, 'application/json');
      reply(404, 'not found\n');
    });
  }

  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve((this.server.address() as AddressInfo).port));
    });
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
