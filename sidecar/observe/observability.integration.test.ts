/**
 * Observability of a whole Sidecar on real sockets: trace headers reaching a real upstream, a span
 * at a real collector, the access log line, and the metrics (request, bytes, duration to the end
 * of a streamed body, open connections) as /metrics would show them.
 */
import { Agent } from 'node:http';
import { describe, expect, it } from 'vitest';
import { ask } from '../testing/client.js';
import { httpService, testConfig } from '../testing/config.js';
import { useHarness } from '../testing/harness.js';
import { startHttpUpstream } from '../testing/http-upstream.js';
import { captureLog } from '../testing/log-capture.js';
import { settle } from '../testing/sockets.js';
import { startTraceCollector } from '../testing/trace-collector.js';

const h = useHarness();

/** The value of the first sample of `name` whose label text contains every `parts` entry. */
function sampleOf(text: string, name: string, ...parts: string[]): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && parts.every((p) => l.includes(p)));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('a sidecar observed end to end', () => {
  it('propagates trace headers, exports the span, logs the request and measures to the end of a streamed body', async () => {
    const collector = await h.own(startTraceCollector());
    const upstream = await h.own(
      startHttpUpstream((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('first,');
        // The body ends well after the headers: the duration must cover it.
        setTimeout(() => res.end('last'), 150);
      }),
    );
    const { lines, log } = captureLog();
    const config = testConfig({
      services: [httpService('reviews', [upstream.port])],
      tracing: { samplingRate: 1, exporter: { kind: 'zipkin', endpoint: collector.url('/api/v2/spans'), batchSize: 1 } },
      accessLog: { enabled: true },
    });
    const s = await h.sidecar(config, { log });
    const incoming = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const answer = await ask(s.addresses().outbound.port, { host: 'reviews', method: 'POST', path: '/orders?id=7', headers: { traceparent: incoming }, body: 'x'.repeat(1000) });

    expect(answer.status).toBe(200);
    expect(answer.body).toBe('first,last');
    const sent = upstream.received[0]!.headers;
    expect(sent.traceparent).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/);
    expect(sent.traceparent).not.toBe(incoming);
    expect(answer.headers['x-request-id']).toBe(sent['x-request-id']);

    await collector.until(1);
    const [span] = collector.received[0]!.body as { traceId: string; id: string; parentId: string; duration: number; name: string }[];
    expect(span).toMatchObject({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', parentId: '00f067aa0ba902b7', id: String(sent.traceparent).split('-')[2], name: 'POST reviews' });
    expect(span!.duration).toBeGreaterThanOrEqual(140_000);

    const access = lines.find((l) => l.msg === 'access');
    expect(access).toMatchObject({ requestId: sent['x-request-id'], service: 'reviews', method: 'POST', path: '/orders?id=7', status: 200, requestBytes: 1000, responseBytes: 10, upstream: `127.0.0.1:${upstream.port}` });
    expect(access!.durationMs as number).toBeGreaterThanOrEqual(140);

    const text = await s.observability.metrics.registry.metrics();
    const reviews = 'destination_service="reviews"';
    expect(sampleOf(text, 'weft_requests_total', reviews, 'status_code="200"', 'source_workload="test"')).toBe(1);
    expect(sampleOf(text, 'weft_request_bytes_total', reviews)).toBe(1000);
    expect(sampleOf(text, 'weft_response_bytes_total', reviews)).toBe(10);
    expect(sampleOf(text, 'weft_request_duration_seconds_sum', reviews)).toBeGreaterThanOrEqual(0.14);
    expect(sampleOf(text, 'weft_config_info', `version="${config.version}"`)).toBe(1);
  });

  it('counts a refused upstream connect with its error code', async () => {
    const upstream = await startHttpUpstream();
    const deadPort = upstream.port;
    await upstream.close();
    const { lines, log } = captureLog();
    const s = await h.sidecar(testConfig({ services: [httpService('gone', [deadPort], { policy: { retries: { attempts: 0 } } })], accessLog: { enabled: true } }), { log });
    const answer = await ask(s.addresses().outbound.port, { host: 'gone' });
    expect(answer.status).toBe(503);
    const code = answer.headers['x-weft-error'];
    expect(code).toMatch(/^WEFT_/);
    const text = await s.observability.metrics.registry.metrics();
    expect(sampleOf(text, 'weft_requests_total', 'destination_service="gone"', 'status_code="503"', `error_code="${String(code)}"`)).toBe(1);
    expect(lines.find((l) => l.msg === 'access')).toMatchObject({ status: 503, errorCode: code });
  });

  it('shows open client and upstream connections at scrape time', async () => {
    const upstream = await h.own(startHttpUpstream());
    const s = await h.sidecar(testConfig({ services: [httpService('reviews', [upstream.port])] }));
    const agent = new Agent({ keepAlive: true });
    h.defer(() => agent.destroy());
    expect((await ask(s.addresses().outbound.port, { host: 'reviews', agent })).status).toBe(200);
    const open = async (): Promise<string> => s.observability.metrics.registry.metrics();
    expect(sampleOf(await open(), 'weft_open_connections', 'direction="outbound"')).toBe(1);
    expect(sampleOf(await open(), 'weft_open_connections', 'direction="inbound"')).toBe(0);
    expect(await open()).toMatch(/weft_upstream_connections [1-9]/);
    agent.destroy();
    expect(await settle(() => s.openConnections(), 0)).toBe(0);
    expect(sampleOf(await open(), 'weft_open_connections', 'direction="outbound"')).toBe(0);
  });
});
