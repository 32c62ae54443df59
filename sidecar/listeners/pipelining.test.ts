import { describe, expect, it } from 'vitest';
import { httpService, testConfig } from '../testing/config.js';
import { useHarness } from '../testing/harness.js';
import { echoHandler, startHttpUpstream } from '../testing/http-upstream.js';
import { rawExchange } from '../testing/raw-client.js';
import { settle } from '../testing/sockets.js';

const h = useHarness();

/** Status lines in the order they came back on the connection. */
const statuses = (text: string): number[] => [...text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]));

async function setup() {
  // The upstream answers a beat later, so an error the frontend could write at once would overtake it.
  const u = await h.own(startHttpUpstream((req, res, body) => setTimeout(() => echoHandler(req, res, body), 30)));
  const s = await h.sidecar(testConfig({ services: [httpService('up', [u.port])], limits: { maxHeaderBytes: 4096 } }));
  return { u, s, port: s.addresses().outbound.port };
}

describe('pipelined requests: answers in request order, the error last (RFC 9112 9.3.2)', () => {
  it.each([
    ['a malformed second request', 'GET /2 HTTP/1.1\r\nHost: up\r\nX-Bad: a\0b\r\n\r\n', 400],
    ['an oversized second request', `GET /2 HTTP/1.1\r\nHost: up\r\nX-Big: ${'a'.repeat(8000)}\r\n\r\n`, 431],
  ])('%s: the first gets its response, then the error, then the connection closes', async (_name, second, status) => {
    const { u, s, port } = await setup();
    const res = await rawExchange(port, `GET /1 HTTP/1.1\r\nHost: up\r\n\r\n${second}`);
    expect(statuses(res.text)).toEqual([200, status]);
    expect(res.text).toContain('"url":"/1"');
    expect(res.closedByPeer).toBe(true);
    expect(u.received.map((r) => r.url)).toEqual(['/1']);
    expect(await settle(() => s.openConnections(), 0)).toBe(0);
  });

  it('three requests, the last malformed: two responses in order, then the error', async () => {
    const { u, port } = await setup();
    const res = await rawExchange(port, 'GET /1 HTTP/1.1\r\nHost: up\r\n\r\nGET /2 HTTP/1.1\r\nHost: up\r\n\r\nGET /3 HTTP/1.1\r\nHost: up\r\nBad Header: x\r\n\r\n');
    expect(statuses(res.text)).toEqual([200, 200, 400]);
    expect(res.text.indexOf('"url":"/1"')).toBeLessThan(res.text.indexOf('"url":"/2"'));
    expect(u.received.map((r) => r.url)).toEqual(['/1', '/2']);
  });

  it('an upgrade the sidecar refuses, pipelined after a request: answered after that request', async () => {
    const { port } = await setup();
    const upgrade = 'GET /ws HTTP/1.1\r\nHost: nowhere.example\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n';
    const res = await rawExchange(port, `GET /1 HTTP/1.1\r\nHost: up\r\n\r\n${upgrade}`);
    expect(statuses(res.text)).toEqual([200, 403]);
    expect(res.text).toContain('x-weft-error: WEFT_UNKNOWN_DESTINATION');
  });
});

describe('pipelined requests run one at a time per connection', () => {
  it('the upstream never sees two of one connection at once, and sees them in request order', async () => {
    const u = await h.own(startHttpUpstream());
    let inFlight = 0;
    let most = 0;
    u.handle((req, res, body) => {
      most = Math.max(most, ++inFlight);
      setTimeout(() => {
        inFlight--;
        echoHandler(req, res, body);
      }, 5);
    });
    const s = await h.sidecar(testConfig({ services: [httpService('up', [u.port])] }));
    const raw = [1, 2, 3, 4, 5].map((i) => `POST /${i} HTTP/1.1\r\nHost: up\r\nContent-Length: 1\r\n${i === 5 ? 'Connection: close\r\n' : ''}\r\n${i}`).join('');
    const res = await rawExchange(s.addresses().outbound.port, raw);
    expect(statuses(res.text)).toEqual([200, 200, 200, 200, 200]);
    expect(most).toBe(1);
    expect(u.received.map((r) => r.url)).toEqual(['/1', '/2', '/3', '/4', '/5']);
    expect([...res.text.matchAll(/"url":"(\/\d)"/g)].map((m) => m[1])).toEqual(['/1', '/2', '/3', '/4', '/5']);
  });

  it('a client that leaves with requests still queued: none of them is sent', async () => {
    const u = await h.own(startHttpUpstream());
    u.handle(() => undefined); // never answers: the first request holds the line
    const s = await h.sidecar(testConfig({ services: [httpService('up', [u.port])] }));
    const raw = [1, 2, 3].map((i) => `GET /${i} HTTP/1.1\r\nHost: up\r\n\r\n`).join('');
    await rawExchange(s.addresses().outbound.port, raw, { waitMs: 300 });
    expect(await settle(() => s.openConnections(), 0)).toBe(0);
    expect(await settle(() => u.connections.open(), 0)).toBe(0);
    expect(u.received.map((r) => r.url)).toEqual(['/1']);
    // None of the three stays counted in flight, which would hold a drain to its deadline.
    expect(await settle(() => s.inflightRequests(), 0)).toBe(0);
  });
});
