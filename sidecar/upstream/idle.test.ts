import { connect as h2connect, constants } from 'node:http2';
import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ask } from '../testing/client.js';
import { httpService, testConfig } from '../testing/config.js';
import { useHarness } from '../testing/harness.js';
import { startH2Upstream } from '../testing/h2-upstream.js';
import { startHttpUpstream } from '../testing/http-upstream.js';
import { metricSum } from '../testing/metric-sum.js';
import { settle } from '../testing/sockets.js';
import { startTcpEcho } from '../testing/tcp-echo.js';
import { startWsEcho, wsConnect } from '../testing/ws-echo.js';
import type { Sidecar } from '../sidecar.js';

const h = useHarness();

/** Idle values of a few hundred ms keep the tests short; the request timeout stays far away. */
const idle = (ms: number) => ({ policy: { timeouts: { idle: `${ms}ms`, request: '60s' } } });
const idleTimeouts = (s: Sidecar) => metricSum(s.observability.metrics, 'weft_timeouts_total');

describe('idle timeout, HTTP/1.1', () => {
  it('resets a response that stalls mid-body: the client sees an aborted body and the upstream socket is closed', async () => {
    const u = await h.own(
      startHttpUpstream((_req, res) => {
        res.writeHead(200, { 'content-length': '100000' });
        res.write(Buffer.alloc(1000, 'x'));
      }),
    );
    const s = await h.sidecar(testConfig({ services: [httpService('stall', [u.port], idle(300))] }));
    await expect(ask(s.addresses().outbound.port, { host: 'stall' })).rejects.toThrow();
    expect(await settle(() => u.connections.open(), 0)).toBe(0);
    expect(await settle(() => s.upstreamConnections(), 0)).toBe(0);
    expect(await settle(() => s.openConnections(), 0)).toBe(0);
    expect(await idleTimeouts(s)).toBe(1);
  });

  it('answers 504 WEFT_IDLE_TIMEOUT when the upstream never sends headers, long before the request timeout', async () => {
    const u = await h.own(startHttpUpstream(() => undefined));
    const s = await h.sidecar(testConfig({ services: [httpService('mute', [u.port], idle(300))] }));
    const res = await ask(s.addresses().outbound.port, { host: 'mute' });
    expect(res.status).toBe(504);
    expect(res.headers['x-weft-error']).toBe('WEFT_IDLE_TIMEOUT');
    expect(await settle(() => u.connections.open(), 0)).toBe(0);
    expect(await idleTimeouts(s)).toBe(1);
  });

  it('answers 504 WEFT_IDLE_TIMEOUT when the client stops sending its request body', async () => {
    // Reads what comes (so it notices the sidecar closing), never answers.
    let carrierClosed!: Promise<void>;
    const u = await h.own(
      startHttpUpstream(
        (req) => {
          req.resume();
          carrierClosed = new Promise((resolve) => req.socket.once('close', () => resolve()));
        },
        { streaming: true },
      ),
    );
    const s = await h.sidecar(testConfig({ services: [httpService('upload', [u.port], idle(300))] }));
    const client = await open(s.addresses().outbound.port);
    const answer = readAll(client);
    client.write('POST / HTTP/1.1\r\nhost: upload\r\ncontent-length: 1000\r\n\r\n' + 'a'.repeat(10));
    const raw = await answer;
    expect(raw.slice(0, 200)).toMatch(/^HTTP\/1\.1 504/);
    expect(raw).toContain('WEFT_IDLE_TIMEOUT');
    // The connection that carried the half-sent request is closed, not returned to the pool.
    await carrierClosed;
    expect(u.received).toHaveLength(1);
  });

  it('does not cut a slow stream that keeps making progress (a chunk every 100 ms, idle 500 ms)', async () => {
    const u = await h.own(
      startHttpUpstream((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        let sent = 0;
        const tick = setInterval(() => {
          res.write(`${sent}.`);
          if (++sent === 12) {
            clearInterval(tick);
            res.end();
          }
        }, 100);
        res.once('close', () => clearInterval(tick));
      }),
    );
    const s = await h.sidecar(testConfig({ services: [httpService('drip', [u.port], idle(500))] }));
    const res = await ask(s.addresses().outbound.port, { host: 'drip' });
    expect(res.status).toBe(200);
    expect(res.body).toBe(Array.from({ length: 12 }, (_, i) => `${i}.`).join(''));
    expect(await idleTimeouts(s)).toBe(0);
  });
});

describe('idle timeout, HTTP/2', () => {
  it('resets a stream whose response stalls mid-body, and answers 504 when no headers come', async () => {
    const u = await h.own(
      startH2Upstream('h2', (stream, headers) => {
        stream.on('error', () => undefined);
        if (headers[':path'] === '/mute') return;
        stream.respond({ ':status': 200 });
        stream.write('partial');
      }),
    );
    const s = await h.sidecar(testConfig({ services: [httpService('grpcish', [u.port], idle(300), 'http2')] }));
    const session = h2connect(`http://127.0.0.1:${s.addresses().outbound.port}`);
    h.defer(() => session.close());
    const stalled = await new Promise<{ status: number; code: number; body: string }>((resolve) => {
      const stream = session.request({ ':path': '/stall', ':authority': 'grpcish' });
      let status = 0;
      let body = '';
      stream.on('response', (head) => (status = Number(head[':status'])));
      stream.on('data', (c: Buffer) => (body += c.toString()));
      stream.on('error', () => undefined);
      stream.on('close', () => resolve({ status, code: stream.rstCode ?? 0, body }));
    });
    expect(stalled.status).toBe(200);
    expect(stalled.body).toBe('partial');
    // Reset, not ended cleanly: the client knows the body is incomplete.
    expect(stalled.code).not.toBe(constants.NGHTTP2_NO_ERROR);
    const mute = await new Promise<{ status: number; error: unknown }>((resolve) => {
      const stream = session.request({ ':path': '/mute', ':authority': 'grpcish' });
      stream.on('response', (head) => resolve({ status: Number(head[':status']), error: head['x-weft-error'] }));
      stream.resume();
    });
    expect(mute).toEqual({ status: 504, error: 'WEFT_IDLE_TIMEOUT' });
    expect(await idleTimeouts(s)).toBe(2);
  });
});

describe('idle timeout, tunnels', () => {
  it('closes a silent TCP tunnel on both sides', async () => {
    const echo = await h.own(startTcpEcho());
    const tcp = { name: 'db', namespace: 'default', policy: idle(300).policy, ports: [{ port: 5432, protocol: 'tcp', endpoints: [{ address: '127.0.0.1', port: echo.port }] }] };
    const s = await h.sidecar(testConfig({ services: [tcp] }));
    const client = await open(s.addresses().outbound.port);
    const closed = readAll(client);
    client.write('\x16\x03\x01hello');
    expect(await closed).toBe('\x16\x03\x01hello');
    expect(await settle(() => echo.open(), 0)).toBe(0);
    expect(await settle(() => s.openConnections(), 0)).toBe(0);
    expect(await idleTimeouts(s)).toBe(1);
  });

  it('closes a silent WebSocket on both sides', async () => {
    const echo = await h.own(startWsEcho());
    const s = await h.sidecar(testConfig({ services: [httpService('chat', [echo.port], idle(300))] }));
    const { ws, next } = await wsConnect(s.addresses().outbound.port, 'chat');
    expect((await next()).toString()).toBe('hello chat');
    await new Promise<void>((resolve) => ws.once('close', () => resolve()));
    expect(await settle(() => s.openConnections(), 0)).toBe(0);
    expect(await settle(() => s.upstreamConnections(), 0)).toBe(0);
    expect(await idleTimeouts(s)).toBe(1);
  });
});

function open(port: number): Promise<Socket> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => resolve(socket));
  });
}

/** Everything the socket receives until it closes, as text. */
function readAll(socket: Socket): Promise<string> {
  let text = '';
  socket.on('data', (c: Buffer) => (text += c.toString('latin1')));
  socket.on('error', () => undefined);
  return new Promise((resolve) => socket.once('close', () => resolve(text)));
}
