import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { parseProxyConfig } from '../../common/config/parse.js';
import type { ProxyConfig } from '../../common/config/types.js';
import { silentLogger } from '../../common/log.js';
import { FakeClock } from '../../common/testing/fake-clock.js';
import { createSidecarMetrics } from '../observe/sidecar-metrics.js';
import { startAdminServer, type AdminServer, type AdminTarget } from './server.js';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request on a fresh connection to the admin server on loopback. */
function call(port: number, path: string, method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

class FakeSidecar implements AdminTarget {
  config?: { config: ProxyConfig; appliedAt: number };
  draining = false;
  shutdowns = 0;
  registry = createSidecarMetrics({ processMetrics: false }).registry;
  currentConfig() {
    return this.config;
  }
  isDraining() {
    return this.draining;
  }
  async shutdown() {
    this.shutdowns++;
    this.draining = true;
  }
}

const config = parseProxyConfig({ version: 'v7', node: { workload: 'productpage', namespace: 'shop' } });
let server: AdminServer | undefined;

async function start(sidecar: AdminTarget, clock = new FakeClock(), allowShutdownFrom?: (a: string | undefined) => boolean): Promise<number> {
  server = await startAdminServer({ target: sidecar, listen: { address: '127.0.0.1', port: 0 }, clock, log: silentLogger, allowShutdownFrom });
  return server.port;
}

afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('admin server', () => {
  it('is live at once, and ready only once a config is loaded and while not draining', async () => {
    const sidecar = new FakeSidecar();
    const port = await start(sidecar);
    expect((await call(port, '/live')).status).toBe(200);
    expect(await call(port, '/ready')).toMatchObject({ status: 503, body: 'no config yet\n' });
    sidecar.config = { config, appliedAt: 0 };
    expect((await call(port, '/ready')).status).toBe(200);
    sidecar.draining = true;
    expect(await call(port, '/ready')).toMatchObject({ status: 503, body: 'draining\n' });
  });

  it('serves the registry as Prometheus text', async () => {
    const metrics = createSidecarMetrics({ processMetrics: false });
    metrics.configAppliedAt('v7', 'file', 1_700_000_000_000);
    const sidecar = new FakeSidecar();
    sidecar.registry = metrics.registry;
    const port = await start(sidecar);
    const res = await call(port, '/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain; version=0.0.4');
    expect(res.body).toContain('weft_config_info{version="v7"} 1');
    expect(res.body).toContain('# TYPE weft_requests_total counter');
  });

  it('shows the live config as JSON with its version and age', async () => {
    const clock = new FakeClock(0, 1_700_000_000_000);
    const sidecar = new FakeSidecar();
    const port = await start(sidecar, clock);
    expect((await call(port, '/config')).status).toBe(503);
    sidecar.config = { config, appliedAt: clock.wallNow() };
    await clock.advance(2500);
    const res = await call(port, '/config');
    expect(res.status).toBe(200);
    const body = JSON.parse(res.body) as { version: string; ageSeconds: number; appliedAt: string; config: ProxyConfig };
    expect(body).toMatchObject({ version: 'v7', ageSeconds: 2.5, appliedAt: '2023-11-14T22:13:20.000Z' });
    expect(body.config.node.workload).toBe('productpage');
  });

  it('drains on POST /shutdown from loopback, answering before the drain completes', async () => {
    const sidecar = new FakeSidecar();
    let finish!: () => void;
    sidecar.shutdown = () => {
      sidecar.shutdowns++;
      return new Promise<void>((r) => (finish = r));
    };
    const port = await start(sidecar);
    expect((await call(port, '/shutdown', 'GET')).status).toBe(405);
    expect(sidecar.shutdowns).toBe(0);
    const res = await call(port, '/shutdown', 'POST');
    expect(res.status).toBe(202);
    expect(sidecar.shutdowns).toBe(1);
    finish();
  });

  it('refuses /shutdown with 403 from a caller the address check rejects', async () => {
    const sidecar = new FakeSidecar();
    const seen: (string | undefined)[] = [];
    const port = await start(sidecar, new FakeClock(), (a) => {
      seen.push(a);
      return false;
    });
    expect((await call(port, '/shutdown', 'POST')).status).toBe(403);
    expect(seen).toEqual(['127.0.0.1']);
    expect(sidecar.shutdowns).toBe(0);
  });

  it('answers 404 for unknown paths and 405 for writes to read-only endpoints', async () => {
    const port = await start(new FakeSidecar());
    expect((await call(port, '/nope')).status).toBe(404);
    expect((await call(port, '/metrics', 'POST')).status).toBe(405);
    expect(await call(port, '/live', 'HEAD')).toMatchObject({ status: 200, body: '' });
  });

  it('closes with keep-alive connections still open', async () => {
    const port = await start(new FakeSidecar());
    const { Agent } = await import('node:http');
    const agent = new Agent({ keepAlive: true });
    await new Promise<void>((resolve, reject) => {
      request({ host: '127.0.0.1', port, path: '/live', agent }, (res) => {
        res.resume();
        res.on('end', resolve);
      })
        .on('error', reject)
        .end();
    });
    // close() must not wait for the idle keep-alive socket to time out
    await server!.close();
    server = undefined;
    await expect(call(port, '/live')).rejects.toThrow(/ECONNREFUSED/);
    agent.destroy();
  });

  it('fails to start on a port in use, naming the error', async () => {
    const port = await start(new FakeSidecar());
    await expect(startAdminServer({ target: new FakeSidecar(), listen: { address: '127.0.0.1', port }, clock: new FakeClock(), log: silentLogger })).rejects.toThrow(/EADDRINUSE/);
  });
});
