import { describe, expect, it } from 'vitest';
import type { ServerResponse } from 'node:http';
import { httpService, testConfig } from '../testing/config.js';
import { useHarness } from '../testing/harness.js';
import { startHttpUpstream } from '../testing/http-upstream.js';
import { rawExchange } from '../testing/raw-client.js';
import { frameType, getHeaders, h2Error, rawH2, requestFrame, resetCode, settingsAck } from '../testing/raw-h2.js';
import { settle } from '../testing/sockets.js';

const h = useHarness();

async function setup(limits: Record<string, unknown> = {}) {
  const u = await h.own(startHttpUpstream());
  const s = await h.sidecar(testConfig({ services: [httpService('up', [u.port])], inbound: [{ port: 80, appPort: u.port }], limits }));
  return { u, s, ports: { outbound: s.addresses().outbound.port, inbound: s.addresses().inbound.port } };
}

const http1Cases: [string, string][] = [
  ['two different Host headers', 'GET / HTTP/1.1\r\nHost: up\r\nHost: other\r\n\r\n'],
  ['the same Host header twice', 'GET / HTTP/1.1\r\nHost: up\r\nHost: up\r\n\r\n'],
  ['a Host with spaces', 'GET / HTTP/1.1\r\nHost: up x\r\n\r\n'],
  ['a Host with userinfo', 'GET / HTTP/1.1\r\nHost: me@up\r\n\r\n'],
  ['version HTTP/2.0 on an HTTP/1.1 connection', 'GET / HTTP/2.0\r\nHost: up\r\n\r\n'],
  ['an HTTP/0.9 request line (no version)', 'GET /\r\n\r\n'],
  ['a request-target that is neither origin-form nor absolute-form', 'GET https://up/ HTTP/1.1\r\nHost: up\r\n\r\n'],
  ['a request-target with a fragment', 'GET /a#frag HTTP/1.1\r\nHost: up\r\n\r\n'],
  ['an absolute-form target that is not a URL', 'GET http://[up/ HTTP/1.1\r\nHost: up\r\n\r\n'],
];

describe('strict HTTP/1.1 framing (RFC 9112 3, 3.2): 400, nothing forwarded, connection closed', () => {
  for (const direction of ['outbound', 'inbound'] as const) {
    it.each(http1Cases)(`${direction}: %s`, async (_name, raw) => {
      const { u, s, ports } = await setup();
      const res = await rawExchange(ports[direction], raw);
      expect(res.text).toMatch(/^HTTP\/1\.1 400 /);
      expect(res.text).toContain('x-weft-error: WEFT_BAD_REQUEST');
      expect(res.closedByPeer).toBe(true);
      expect(u.received).toHaveLength(0);
      expect(await settle(() => s.openConnections(), 0)).toBe(0);
    });
  }

  it('HTTP/1.0 without a Host still passes', async () => {
    const { u, ports } = await setup();
    expect((await rawExchange(ports.inbound, 'GET /old HTTP/1.0\r\n\r\n')).status).toBe(200);
    expect(u.received.map((r) => r.url)).toEqual(['/old']);
  });
});

describe('strict HTTP/2 requests: a malformed one is reset with PROTOCOL_ERROR (RFC 9113 8.1.1)', () => {
  it.each<[string, [string, string][]]>([
    [':authority with a space', getHeaders('up x')],
    ['a Host header naming another authority than :authority', getHeaders('up', '/', [['host', 'other']])],
  ])('%s', async (_name, headers) => {
    const { u, ports } = await setup();
    const frames = await rawH2(ports.outbound, [requestFrame(1, headers)], (f) => f.some((x) => x.type === frameType.RST_STREAM));
    expect(resetCode(frames, 1)).toBe(h2Error.PROTOCOL_ERROR);
    expect(u.received).toHaveLength(0);
  });

  it('a well-formed request on the same raw client is answered (the frames above are valid HTTP/2)', async () => {
    const { u, ports } = await setup();
    const frames = await rawH2(ports.outbound, [requestFrame(1, getHeaders('up', '/ok'))], (f) => f.some((x) => x.type === frameType.HEADERS && x.stream === 1));
    expect(frames.some((f) => f.type === frameType.HEADERS && f.stream === 1)).toBe(true);
    expect(u.received.map((r) => r.url)).toEqual(['/ok']);
  });
});

describe('SETTINGS_MAX_CONCURRENT_STREAMS', () => {
  it('is advertised from limits.maxConcurrentStreams; a stream over it is refused (REFUSED_STREAM), the others and other clients are served', async () => {
    const { u, ports } = await setup({ maxConcurrentStreams: 2 });
    const held: ServerResponse[] = [];
    u.handle((_req, res) => {
      held.push(res);
      if (held.length === 2) for (const r of held) r.end('done');
    });
    const frames = await rawH2(ports.outbound, [1, 3, 5].map((id) => requestFrame(id, getHeaders('up', `/${id}`))), (f) =>
      [1, 3].every((id) => f.some((x) => x.type === frameType.HEADERS && x.stream === id)) && resetCode(f, 5) !== undefined,
    );
    const settings = frames.find((f) => f.type === frameType.SETTINGS && (f.flags & 1) === 0)!;
    const advertised = new Map<number, number>();
    for (let i = 0; i + 6 <= settings.payload.length; i += 6) advertised.set(settings.payload.readUInt16BE(i), settings.payload.readUInt32BE(i + 2));
    expect(advertised.get(0x3)).toBe(2);
    expect(resetCode(frames, 5)).toBe(h2Error.REFUSED_STREAM);
    expect(frames.filter((f) => f.type === frameType.HEADERS).map((f) => f.stream).sort()).toEqual([1, 3]);
    expect(u.received.map((r) => r.url).sort()).toEqual(['/1', '/3']);
    // The process is fine: another client gets its answer.
    u.handle((_req, res) => res.end('again'));
    const again = await rawH2(ports.outbound, [requestFrame(1, getHeaders('up', '/again'))], (f) => f.some((x) => x.type === frameType.HEADERS && x.stream === 1));
    expect(again.some((f) => f.type === frameType.HEADERS && f.stream === 1)).toBe(true);
  });

  it('a client that acknowledged the limit and still exceeds it loses its connection (GOAWAY), not the process', async () => {
    const { u, ports } = await setup({ maxConcurrentStreams: 2 });
    const frames = await rawH2(ports.outbound, [settingsAck(), ...[1, 3, 5].map((id) => requestFrame(id, getHeaders('up', `/${id}`)))], (f) => f.some((x) => x.type === frameType.GOAWAY));
    const goaway = frames.find((f) => f.type === frameType.GOAWAY);
    // nghttp2 makes it a connection error; Node ends the session with GOAWAY (its code, INTERNAL_ERROR here).
    expect(goaway?.payload.readUInt32BE(4)).not.toBe(h2Error.NO_ERROR);
    expect(frames.some((f) => f.type === frameType.HEADERS)).toBe(false);
    const again = await rawH2(ports.outbound, [requestFrame(1, getHeaders('up', '/again'))], (f) => f.some((x) => x.type === frameType.HEADERS && x.stream === 1));
    expect(again.some((f) => f.type === frameType.HEADERS && f.stream === 1)).toBe(true);
    expect(u.received.map((r) => r.url)).toContain('/again');
  });

  it('defaults to 256', async () => {
    const { ports } = await setup();
    const frames = await rawH2(ports.outbound, [], (f) => f.some((x) => x.type === frameType.SETTINGS && (x.flags & 1) === 0));
    const settings = frames.find((f) => f.type === frameType.SETTINGS && (f.flags & 1) === 0)!;
    const entries = [...Array(settings.payload.length / 6).keys()].map((i) => [settings.payload.readUInt16BE(i * 6), settings.payload.readUInt32BE(i * 6 + 2)]);
    expect(entries).toContainEqual([0x3, 256]);
  });
});

describe('h2c upgrade (h2c smuggling)', () => {
  const h2cUpgrade = (extra = ''): string =>
    `GET /h2c HTTP/1.1\r\nHost: up\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n${extra}\r\n`;

  it('is answered as a plain HTTP/1.1 request: the upstream gets no upgrade, the client no 101', async () => {
    const { u, ports } = await setup();
    u.handle((req, res) => res.end(JSON.stringify({ upgrade: req.headers.upgrade ?? null, settings: req.headers['http2-settings'] ?? null })));
    const res = await rawExchange(ports.outbound, h2cUpgrade());
    expect(res.status).toBe(200);
    expect(res.text).toContain('{"upgrade":null,"settings":null}');
    expect(res.closedByPeer).toBe(true);
    expect(u.received.map((r) => r.url)).toEqual(['/h2c']);
  });

  it('with a body: 400, nothing forwarded', async () => {
    const { u, ports } = await setup();
    const res = await rawExchange(ports.outbound, h2cUpgrade('Content-Length: 5\r\n') + 'hello');
    expect(res.status).toBe(400);
    expect(u.received).toHaveLength(0);
  });
});

describe('CONNECT', () => {
  it('is answered 405 with the reason (not a silent close), after an earlier pipelined response', async () => {
    const { u, ports } = await setup();
    const res = await rawExchange(ports.outbound, 'GET /1 HTTP/1.1\r\nHost: up\r\n\r\nCONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n');
    expect([...res.text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]))).toEqual([200, 405]);
    expect(res.text).toContain('CONNECT tunnels are not supported');
    expect(res.closedByPeer).toBe(true);
    expect(u.received.map((r) => r.url)).toEqual(['/1']);
  });
});
