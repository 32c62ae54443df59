import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../common/clock.js';
import { silentLogger } from '../../../common/log.js';
import { startTraceCollector, type TraceCollector } from '../../testing/trace-collector.js';
import { createCollectorExporter } from './collector.js';
import type { FinishedSpan } from './span.js';

const collectors: TraceCollector[] = [];
async function collector(status = 202, answer = true): Promise<TraceCollector> {
  const c = await startTraceCollector(status, answer);
  collectors.push(c);
  return c;
}

afterEach(async () => {
  for (const c of collectors.splice(0)) await c.close();
});

const node = { workload: 'productpage', namespace: 'shop', serviceAccount: 'productpage', pod: 'productpage-abc' };
const client: FinishedSpan = {
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  spanId: '00f067aa0ba902b7',
  parentSpanId: '0020000000000001',
  name: 'GET reviews',
  kind: 'client',
  startMs: 1_700_000_000_123.456,
  durationMs: 12.5,
  upstream: '10.0.0.7:9080',
  attributes: { 'http.method': 'GET', 'http.status_code': '200' },
  error: false,
};
const server64: FinishedSpan = { ...client, traceId: 'a3ce929d0e0e4736', spanId: '1111111111111111', parentSpanId: undefined, kind: 'server', upstream: undefined, error: true, attributes: { 'http.status_code': '503' } };

function exporterFor(kind: 'zipkin' | 'otlp', endpoint: string, batchSize = 2, timeoutMs?: number) {
  return createCollectorExporter({ config: { kind, endpoint, batchSize, maxQueue: 100, flushIntervalMs: 60_000 }, node, clock: systemClock, log: silentLogger, timeoutMs });
}

describe('span export to a collector', () => {
  it('posts Zipkin v2 JSON', async () => {
    const c = await collector();
    const e = exporterFor('zipkin', `http://127.0.0.1:${c.port}/api/v2/spans`);
    e.exporter.record(client);
    e.exporter.record(server64);
    await c.until(1);
    expect(c.received[0]!.path).toBe('/api/v2/spans');
    expect(c.received[0]!.contentType).toBe('application/json');
    expect(c.received[0]!.body).toEqual([
      {
        traceId: client.traceId,
        id: client.spanId,
        parentId: client.parentSpanId,
        name: 'GET reviews',
        kind: 'CLIENT',
        timestamp: 1_700_000_000_123_456,
        duration: 12_500,
        localEndpoint: { serviceName: 'productpage.shop' },
        remoteEndpoint: { ipv4: '10.0.0.7', port: 9080 },
        tags: { 'http.method': 'GET', 'http.status_code': '200' },
      },
      {
        traceId: 'a3ce929d0e0e4736',
        id: '1111111111111111',
        name: 'GET reviews',
        kind: 'SERVER',
        timestamp: 1_700_000_000_123_456,
        duration: 12_500,
        localEndpoint: { serviceName: 'productpage.shop' },
        tags: { 'http.status_code': '503', error: 'true' },
      },
    ]);
    await e.close(1000);
    expect(e.exporter.counts.exported).toBe(2);
  });

  it('posts OTLP/HTTP JSON with hex ids, nanosecond strings and the resource', async () => {
    const c = await collector(200);
    const e = exporterFor('otlp', `http://127.0.0.1:${c.port}/v1/traces`);
    e.exporter.record(client);
    e.exporter.record(server64);
    await c.until(1);
    const body = c.received[0]!.body as {
      resourceSpans: { resource: { attributes: unknown[] }; scopeSpans: { scope: { name: string }; spans: Record<string, unknown>[] }[] }[];
    };
    expect(c.received[0]!.path).toBe('/v1/traces');
    const rs = body.resourceSpans[0]!;
    expect(rs.resource.attributes).toContainEqual({ key: 'service.name', value: { stringValue: 'productpage.shop' } });
    expect(rs.resource.attributes).toContainEqual({ key: 'k8s.pod.name', value: { stringValue: 'productpage-abc' } });
    const [a, b] = rs.scopeSpans[0]!.spans;
    expect(a).toMatchObject({
      traceId: client.traceId,
      spanId: client.spanId,
      parentSpanId: client.parentSpanId,
      kind: 3,
      startTimeUnixNano: '1700000000123456000',
      endTimeUnixNano: '1700000000135956000',
      status: { code: 0 },
    });
    expect(a!.attributes).toContainEqual({ key: 'http.status_code', value: { intValue: '200' } });
    expect(a!.attributes).toContainEqual({ key: 'net.peer.port', value: { intValue: '9080' } });
    expect(b).toMatchObject({ traceId: '0000000000000000a3ce929d0e0e4736', parentSpanId: '', kind: 2, status: { code: 2 } });
    await e.close(1000);
  });

  it('counts batches the collector refuses as dropped, and flushes the rest on close', async () => {
    const c = await collector(500);
    const e = exporterFor('zipkin', `http://127.0.0.1:${c.port}/api/v2/spans`, 2);
    e.exporter.record(client);
    e.exporter.record(client);
    e.exporter.record(client);
    await e.close(5000);
    expect(c.received).toHaveLength(2);
    expect(e.exporter.counts.dropped.export_failed).toBe(3);
    await c.allClosed();
    expect(c.openSockets()).toBe(0);
  });

  it('drops a batch when the collector never answers, and closes without leaking the socket', async () => {
    const c = await collector(200, false);
    const e = exporterFor('otlp', `http://127.0.0.1:${c.port}/v1/traces`, 1, 200);
    e.exporter.record(client);
    await c.until(1);
    await e.close(10_000);
    expect(e.exporter.counts.dropped.export_failed).toBe(1);
    expect(e.exporter.counts.exported).toBe(0);
    await c.allClosed();
    expect(c.openSockets()).toBe(0);
  });

  it('drops a batch when no collector listens', async () => {
    const c = await collector();
    await collectors.pop()!.close();
    const e = exporterFor('zipkin', `http://127.0.0.1:${c.port}/api/v2/spans`, 1);
    e.exporter.record(client);
    await e.close(10_000);
    expect(e.exporter.counts.dropped.export_failed).toBe(1);
  });
});
