import { Agent } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { Sidecar } from './sidecar.js';
import { ask } from './testing/client.js';
import { httpService, testConfig } from './testing/config.js';
import { startHttpUpstream, type HttpUpstream } from './testing/http-upstream.js';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

async function upstream(): Promise<HttpUpstream> {
  const u = await startHttpUpstream();
  cleanup.push(() => u.close());
  return u;
}

async function sidecar(config = testConfig()): Promise<Sidecar> {
  const s = await Sidecar.start(config);
  cleanup.push(() => s.stop());
  return s;
}

describe('Sidecar', () => {
  it('routes an outbound request by Host to the service endpoint', async () => {
    const u = await upstream();
    const s = await sidecar(testConfig({ services: [httpService('reviews', [u.port])] }));
    const res = await ask(s.addresses().outbound.port, { host: 'reviews', path: '/r/1?x=2' });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ method: 'GET', url: '/r/1?x=2' });
    expect(u.received[0]!.headers.host).toBe('reviews');
  });
});

describe('open connections gauge', () => {
  it('counts client connections per direction as they open and close', async () => {
    const u = await upstream();
    const s = await sidecar(testConfig({ services: [httpService('reviews', [u.port])] }));
    const open = async (): Promise<number> => {
      const text = await s.observability.metrics.registry.getSingleMetricAsString('weft_open_connections');
      const m = /weft_open_connections\{direction="outbound"\} (\d+)/.exec(text);
      return m ? Number(m[1]) : 0;
    };
    const agent = new Agent({ keepAlive: true });
    await ask(s.addresses().outbound.port, { host: 'reviews', agent });
    expect(await open()).toBe(1);
    agent.destroy();
    for (let i = 0; i < 100 && (await open()) !== 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await open()).toBe(0);
  });
});
