/** The mutating admission webhook's HTTPS server (port 15017 by default): POST /inject (or /inject/labelled-namespace) with an AdmissionReview. */
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../../common/clock.js';
import type { Logger } from '../../common/log.js';
import type { InjectorSettings } from '../injector/settings.js';
import type { ControlPlaneMetrics } from '../metrics/control-plane-metrics.js';
import { CertificateFiles } from './certificate.js';
import { answerReview } from './review.js';

export interface WebhookOptions {
  certFile: string;
  keyFile: string;
  settings: InjectorSettings;
  /** The labels of a namespace, from the control plane's watch of Namespaces. */
  namespaceLabels: (namespace: string) => Record<string, string>;
  clock: Clock;
  log: Logger;
  metrics: ControlPlaneMetrics;
  /** How often the certificate files are checked for a renewal (default 10 s). */
  reloadMs?: number;
}

/** The path of the webhook whose namespaceSelector requires `weft.dev/inject: enabled` (charts/weft). */
export const labelledNamespacePath = '/inject/labelled-namespace';

/** AdmissionReviews of a pod are a few kB; the API server caps requests at 3 MiB. */
const maxBodyBytes = 4 * 1024 * 1024;

export class WebhookServer {
  private readonly server: Server;
  private readonly certs: CertificateFiles;

  constructor(private readonly opts: WebhookOptions) {
    this.certs = new CertificateFiles(opts, opts.clock, opts.log);
    this.server = createServer({ ...this.certs.pair, minVersion: 'TLSv1.2' }, (req, res) => {
      const reply = (status: number, body: string, type = 'text/plain; charset=utf-8'): void => {
        res.writeHead(status, { 'content-type': type });
        res.end(body);
      };
      const path = (req.url ?? '/').split('?')[0];
      if (req.method !== 'POST' || (path !== '/inject' && path !== labelledNamespacePath)) return reply(404, `POST /inject or ${labelledNamespacePath} only\n`);
      // The API server calls this path only for namespaces its selector found labelled: trust that
      // over the Namespace watch, which may not have seen a namespace labelled a moment ago.
      const namespaceLabels = path === labelledNamespacePath ? (ns: string) => ({ ...opts.namespaceLabels(ns), 'weft.dev/inject': 'enabled' }) : opts.namespaceLabels;
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size > maxBodyBytes) {
          reply(413, 'body too large\n');
          req.destroy();
          return;
        }
        chunks.push(c);
      });
      req.on('end', () => {
        if (res.headersSent) return;
        try {
          const outcome = answerReview(JSON.parse(Buffer.concat(chunks).toString('utf8')), opts.settings, namespaceLabels);
          opts.metrics.admissions.inc({ result: outcome.result });
          const request = outcome.review.response;
          opts.log[outcome.result === 'refused' ? 'warn' : 'debug']({ uid: request.uid, result: outcome.result, reason: outcome.reason }, 'admission review');
          reply(200, JSON.stringify(outcome.review), 'application/json');
        } catch (err) {
          opts.metrics.admissions.inc({ result: 'error' });
          opts.log.warn({ err }, 'bad admission request');
          reply(400, `${(err as Error).message}\n`);
        }
      });
    });
  }

  listen(host: string, port: number): Promise<number> {
    this.certs.watch(this.opts.reloadMs ?? 10_000, (pair) => this.server.setSecureContext({ ...pair, minVersion: 'TLSv1.2' }));
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve((this.server.address() as AddressInfo).port));
    });
  }

  close(): Promise<void> {
    this.certs.stop();
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
