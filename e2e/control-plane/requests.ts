/** Requests through a sidecar's outbound listener, as an app would send them, and reads of its admin /config. */
import { request } from 'node:http';
import type { ProxyConfig } from '../../common/config/types.js';
import { poll } from '../cluster/kube.js';

export interface Reply {
  status: number;
  body: string;
  /** x-weft-error: set when the sidecar itself answered (fault, no endpoints, ...). */
  error?: string;
  /** The echo app's pod name, when the echo app answered. */
  pod?: string;
}

/** GET through the sidecar with the Host header naming the destination Service (fetch() cannot set Host). */
export function get(outbound: number, host: string, path = '/'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: outbound, path, headers: { host }, agent: false, timeout: 10_000 }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => {
        let pod: string | undefined;
        try {
          pod = (JSON.parse(body) as { pod?: string }).pod;
        } catch {
          pod = undefined;
        }
        resolve({ status: res.statusCode ?? 0, body, error: res.headers['x-weft-error'] as string | undefined, pod });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`request to ${host} through :${outbound} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

/** The pods that answered `count` requests (a set, sorted), or throws on any non-200 reply. */
export async function podsReached(outbound: number, host: string, count: number): Promise<string[]> {
  const seen = new Set<string>();
  for (let i = 0; i < count; i++) {
    const r = await get(outbound, host);
    if (r.status !== 200 || !r.pod) throw new Error(`${host}: ${r.status} ${r.error ?? ''} ${r.body.slice(0, 200)}`);
    seen.add(r.pod);
  }
  return [...seen].sort();
}

/** The sidecar's active config (admin /config), or undefined before its first one. */
export async function sidecarConfig(admin: number): Promise<{ version: string; config: ProxyConfig } | undefined> {
  const res = await fetch(`http://127.0.0.1:${admin}/config`);
  if (res.status !== 200) return undefined;
  return (await res.json()) as { version: string; config: ProxyConfig };
}

/** Pod names of the ready endpoints the sidecar holds for a Service (all ports), sorted; undefined when the Service is absent. */
export async function readyEndpointPods(admin: number, namespace: string, name: string): Promise<string[] | undefined> {
  const svc = (await sidecarConfig(admin))?.config.services.find((s) => s.namespace === namespace && s.name === name);
  if (!svc) return undefined;
  return [...new Set(svc.ports.flatMap((p) => p.endpoints.filter((e) => e.ready).map((e) => e.pod ?? e.address)))].sort();
}

/** Polls, sidecar after sidecar, until a request through it to `host` passes `check`; a time-out shows the last reply. */
export async function untilEverySidecar(sidecars: readonly { outbound: number }[], host: string, what: string, check: (r: Reply) => boolean): Promise<void> {
  for (const s of sidecars) {
    await poll(async () => {
      const r = await get(s.outbound, host);
      if (!check(r)) throw new Error(`last reply ${r.status} ${r.error ?? ''} ${r.body.slice(0, 200)}`);
      return true;
    }, { what: `${what} through :${s.outbound}`, timeoutMs: 90_000, intervalMs: 250 });
  }
}
