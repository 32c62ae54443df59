import { describe, expect, it } from 'vitest';
import { ask } from '../testing/client.js';
import { httpService, testConfig } from '../testing/config.js';
import { useHarness } from '../testing/harness.js';
import { startHttpUpstream } from '../testing/http-upstream.js';
import { closedPort } from '../testing/sockets.js';

const h = useHarness();
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('one request id per request', () => {
  it('forwards the id it made and echoes the same one to the caller', async () => {
    const u = await h.own(startHttpUpstream());
    const s = await h.sidecar(testConfig({ services: [httpService('up', [u.port])] }));
    const res = await ask(s.addresses().outbound.port, { host: 'up' });
    expect(res.status).toBe(200);
    const sent = u.received[0]?.headers['x-request-id'];
    expect(sent).toMatch(uuid);
    expect(res.headers['x-request-id']).toBe(sent);
  });

  it("puts the caller's x-request-id, or a new one, on weft's own error responses", async () => {
    const s = await h.sidecar(testConfig({ services: [httpService('down', [await closedPort()], { policy: { retries: { attempts: 0 } } })] }));
    const port = s.addresses().outbound.port;
    const quoted = await ask(port, { host: 'down', headers: { 'x-request-id': 'call-42' } });
    expect(quoted.status).toBe(503);
    expect(quoted.headers['x-weft-error']).toBe('WEFT_CONNECT_FAILED');
    expect(quoted.headers['x-request-id']).toBe('call-42');
    const fresh = await ask(port, { host: 'down' });
    expect(fresh.headers['x-request-id']).toMatch(uuid);
    // A value weft may not echo (control characters, too long) is replaced, not repeated.
    const bad = await ask(port, { host: 'down', headers: { 'x-request-id': 'x'.repeat(300) } });
    expect(bad.headers['x-request-id']).toMatch(uuid);
  });
});
