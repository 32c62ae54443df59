/**
 * The observe layers on real sockets: a client -> the outbound Listener -> metrics, tracing and
 * access-log layers -> the forwarder -> a real HTTP/1.1 upstream that streams its answer, with a
 * real trace collector.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../common/clock.js';
import { parseProxyConfig } from '../common/config/parse.js';
import { Listener } from './listeners/listener.js';
import { Observability } from './observe.js';
import { compose, type Layer } from './pipeline/types.js';
import { ask } from './testing/client.js';
import { captureLog } from './testing/log-capture.js';
import { startHttpUpstream, type HttpUpstream } from './testing/http-upstream.js';
import { startTraceCollector, type TraceCollector } from './testing/trace-collector.js';
import { Http1Pool } from './upstream/http1-pool.js';
import { Http2Pool } from './upstream/http2-pool.js';
import { forwarder } from './upstream/forwarder.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

/** Sends every request to the one upstream, as pass-through routing would. */
const toUpstream = (port: number): Layer => (next) => (req, ctx) => {
  ctx.endpoint = { address: '127.0.0.1', port, weight: 1, ready: true };
  return next(req, ctx);
};

async function proxy(upstream: HttpUpstream, collector: TraceCollector) {
  const config = parseProxyConfig({
    version: 'it-1',
    node: { workload: 'productpage', namespace: 'shop' },
    tracing: { samplingRate: 1, exporter: { kind: 'zipkin', endpoint: collector.url('/api/v2/spans'), batchSize: 1 } },
    accessLog: { enabled: true },
  });
  const { lines, log } = captureLog();
  const observability = new Observability({ clock: systemClock, log, processMetrics: false });
  observability.applyConfig(config, 'file');
  const http1 = new Http1Pool();
  const http2 = new Http2Pool(systemClock);
  const handler = compose([...observability.layers(config), toUpstream(upstream.port)], forwarder({ http1, http2 }));
  const listener = new Listener({
    name: 'outbound',
    direction: 'outbound',
    clock: systemClock,
    log,
    limits: config.limits,
    current: () => ({ handler, limits: config.limits, replayLimit: 64 * 1024 }),
    draining: () => false,
    tcpDestination: () => undefined,
  });
  const { port } = await listener.listen('127.0.0.1', 0);
  cleanup.push(
    () => listener.destroy(),
    () => observability.close(1000),
    () => http1.close(),
    () => http2.close(),
  );
  return { port, lines, observability };
}

describe('observe layers on real sockets', () => {
  it('propagates trace headers, measures to the end of a streamed body, logs and exports one span', async () => {
    const collector = await startTraceCollector();
    const upstream = await startHttpUpstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('first,');
      // The body ends well after the headers: the duration must cover it.
      setTimeout(() => res.end('last'), 150);
    });
    cleanup.push(() => upstream.close(), () => collector.close());
    const { port, lines, observability } = await proxy(upstream, collector);
    const incoming = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const answer = await ask(port, { host: `127.0.0.1:${upstream.port}`, method: 'POST', path: '/orders?id=7', headers: { traceparent: incoming }, body: 'x'.repeat(1000) });

    expect(answer.status).toBe(200);
    expect(answer.body).toBe('first,last');
    const sent = upstream.received[0]!.headers;
    expect(sent.traceparent).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/);
    expect(sent.traceparent).not.toBe(incoming);
    expect(answer.headers['x-request-id']).toBe(sent['x-request-id']);

    await collector.until(1);
    const [span] = collector.received[0]!.body as { traceId: string; id: string; parentId: string; duration: number }[];
    expect(span).toMatchObject({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', parentId: '00f067aa0ba902b7', id: String(sent.traceparent).split('-')[2] });
    expect(span!.duration).toBeGreaterThanOrEqual(140_000);

    const access = lines.find((l) => l.msg === 'access');
    expect(access).toMatchObject({ requestId: sent['x-request-id'], method: 'POST', path: '/orders?id=7', status: 200, requestBytes: 1000, responseBytes: 10, upstream: `127.0.0.1:${upstream.port}` });
    expect(access!.durationMs as number).toBeGreaterThanOrEqual(140);

    const text = await observability.metrics.registry.metrics();
    expect(text).toMatch(/weft_request_bytes_total\{[^}]*destination_service="passthrough"[^}]*\} 1000/);
    expect(text).toMatch(/weft_response_bytes_total\{[^}]*\} 10/);
    const sum = /weft_request_duration_seconds_sum\{[^}]*\} (\S+)/.exec(text);
    expect(Number(sum![1])).toBeGreaterThanOrEqual(0.14);
  });

  it('counts a failed upstream connect with its error code and 503', async () => {
    const collector = await startTraceCollector();
    const upstream = await startHttpUpstream();
    const deadPort = upstream.port;
    await upstream.close();
    cleanup.push(() => collector.close());
    const { port, lines, observability } = await proxy(upstream, collector);
    const answer = await ask(port, { host: `127.0.0.1:${deadPort}` });
    expect(answer.status).toBe(503);
    expect(answer.headers['x-weft-error']).toBe('WEFT_CONNECT_FAILED');
    const text = await observability.metrics.registry.metrics();
    expect(text).toMatch(/weft_requests_total\{[^}]*status_code="503"[^}]*error_code="WEFT_CONNECT_FAILED"\} 1/);
    expect(lines.find((l) => l.msg === 'access')).toMatchObject({ status: 503, errorCode: 'WEFT_CONNECT_FAILED' });
  });
});
