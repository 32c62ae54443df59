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
