import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Service } from '../../common/config/types.js';
import { defaultTrafficPolicy } from '../../common/config/defaults.js';
import { WeftError } from '../../common/errors.js';
import { FakeClock } from '../../common/testing/fake-clock.js';
import { createSidecarMetrics } from './sidecar-metrics.js';
import type { Handler, RequestContext } from '../pipeline/types.js';
import { bodyOf, drain, fakeContext, fakeRequest, fakeResponse } from '../testing/request-fixtures.js';
import { metricsLayer } from './metrics-layer.js';

const node = { workload: 'productpage', namespace: 'shop', serviceAccount: 'productpage' };
const reviews: Service = { name: 'reviews', namespace: 'shop', clusterIPs: [], ports: [{ port: 9080, protocol: 'http', endpoints: [] }], policy: defaultTrafficPolicy, routes: [] };

/** One sample line of the exposition text, by metric name and exact label subset. */
async function sample(metrics: ReturnType<typeof createSidecarMetrics>, name: string, labels: Record<string, string>): Promise<number | undefined> {
  const text = await metrics.registry.metrics();
  for (const line of text.split('\n')) {
    const m = /^([a-z_]+)\{(.*)\} (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries([...m[2]!.matchAll(/([a-z_]+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[3]);
  }
  return undefined;
}

function routed(ctx: RequestContext): void {
  ctx.target = { service: reviews, port: 9080, protocol: 'http', route: { name: 'canary', matches: [], backends: [] } };
  ctx.endpoint = { address: '10.0.0.7', port: 9080, weight: 1, ready: true, workload: 'reviews-v2' };
}

const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('metricsLayer', () => {
  it('counts a request with peer labels, status, duration to the end of the body and bytes', async () => {
    const metrics = createSidecarMetrics({ processMetrics: false });
    const clock = new FakeClock();
    const body = new PassThrough();
    const next: Handler = async (req, ctx) => {
      routed(ctx);
      await drain(req.body.open());
      await clock.advance(4);
      return { status: 201, headers: {}, body };
    };
    const handler = metricsLayer(metrics, node)(next);
    const res = await handler(fakeRequest({ body: bodyOf(['abc', 'de']) }), fakeContext({ clock }));
    body.write('0123456789');
    const reading = drain(res.body);
    await clock.advance(996);
    body.end('!');
    await reading;
    await settle();
    const labels = { direction: 'outbound', source_workload: 'productpage', source_namespace: 'shop', destination_service: 'reviews', destination_namespace: 'shop', destination_workload: 'reviews-v2', route: 'canary' };
    expect(await sample(metrics, 'weft_requests_total', { ...labels, status_code: '201', status_class: '2xx', grpc_status: '', error_code: '' })).toBe(1);
    expect(await sample(metrics, 'weft_request_duration_seconds_sum', { ...labels, status_class: '2xx' })).toBe(1);
    expect(await sample(metrics, 'weft_request_duration_seconds_bucket', { ...labels, le: '0.5' })).toBe(0);
    expect(await sample(metrics, 'weft_request_duration_seconds_bucket', { ...labels, le: '1' })).toBe(1);
    expect(await sample(metrics, 'weft_request_bytes_total', labels)).toBe(5);
    expect(await sample(metrics, 'weft_response_bytes_total', labels)).toBe(11);
  });

  it('labels an unknown destination passthrough, never with the path', async () => {
    const metrics = createSidecarMetrics({ processMetrics: false });
    const handler = metricsLayer(metrics, node)(async () => fakeResponse(404, ['no']));
    const res = await handler(fakeRequest({ path: '/users/12345?token=secret' }), fakeContext());
    await drain(res.body);
    await settle();
    expect(await sample(metrics, 'weft_requests_total', { destination_service: 'passthrough', status_code: '404', status_class: '4xx' })).toBe(1);
    const text = await metrics.registry.metrics();
    expect(text).not.toContain('12345');
    expect(text).not.toContain('req-1');
  });

  it('counts a failed chain with the error status and code, and rethrows', async () => {
    const metrics = createSidecarMetrics({ processMetrics: false });
    const handler = metricsLayer(metrics, node)(async (_req, ctx) => {
      routed(ctx);
      throw new WeftError('WEFT_REQUEST_TIMEOUT', 'too slow');
    });
    await expect(handler(fakeRequest(), fakeContext())).rejects.toThrow('too slow');
    expect(await sample(metrics, 'weft_requests_total', { destination_service: 'reviews', status_code: '504', status_class: '5xx', error_code: 'WEFT_REQUEST_TIMEOUT' })).toBe(1);
    expect(await sample(metrics, 'weft_request_duration_seconds_count', { destination_service: 'reviews', status_class: '5xx' })).toBe(1);
  });

  it('reads grpc-status from the trailers once the body ends', async () => {
    const metrics = createSidecarMetrics({ processMetrics: false });
    const handler = metricsLayer(metrics, node)(async () => fakeResponse(200, ['frame'], { 'content-type': 'application/grpc' }, { 'grpc-status': '14' }));
    const res = await handler(fakeRequest({ protocol: 'http2' }), fakeContext());
    await drain(res.body);
    await settle();
    expect(await sample(metrics, 'weft_requests_total', { status_code: '200', grpc_status: '14' })).toBe(1);
  });

  it('labels inbound requests with this workload as the destination', async () => {
    const metrics = createSidecarMetrics({ processMetrics: false });
    const handler = metricsLayer(metrics, node)(async () => fakeResponse(200));
    const res = await handler(fakeRequest(), fakeContext({ direction: 'inbound' }));
    await drain(res.body);
    await settle();
    expect(
      await sample(metrics, 'weft_requests_total', { direction: 'inbound', source_workload: 'unknown', destination_workload: 'productpage', destination_namespace: 'shop', destination_service: '' }),
    ).toBe(1);
  });

  it('names the caller of an inbound request by its address, as the lookup answers, and leaves an unknown one unknown', async () => {
    const metrics = createSidecarMetrics({ processMetrics: false });
    const peers = (address: string | undefined) => (address === '10.244.0.7' ? { workload: 'reviews-v1', namespace: 'shop' } : undefined);
    const handler = metricsLayer(metrics, node, peers)(async () => fakeResponse(200));
    for (const peerAddress of ['10.244.0.7', '10.244.0.99']) await drain((await handler(fakeRequest(), fakeContext({ direction: 'inbound', peerAddress }))).body);
    await settle();
    expect(await sample(metrics, 'weft_requests_total', { direction: 'inbound', source_workload: 'reviews-v1', source_namespace: 'shop', destination_workload: 'productpage' })).toBe(1);
    expect(await sample(metrics, 'weft_requests_total', { direction: 'inbound', source_workload: 'unknown', source_namespace: 'unknown' })).toBe(1);
  });

  it('counts a body cut short by the upstream as a reset', async () => {
    const metrics = createSidecarMetrics({ processMetrics: false });
    const body = new PassThrough();
    const handler = metricsLayer(metrics, node)(async () => ({ status: 200, headers: {}, body }));
    const res = await handler(fakeRequest(), fakeContext());
    const reading = drain(res.body).catch((err: Error) => err);
    body.write('partial');
    body.destroy(new Error('socket hang up'));
    expect(await reading).toBeInstanceOf(Error);
    await settle();
    expect(await sample(metrics, 'weft_requests_total', { status_code: '200', error_code: 'WEFT_UPSTREAM_RESET' })).toBe(1);
    expect(await sample(metrics, 'weft_response_bytes_total', { direction: 'outbound' })).toBe(7);
  });
});

describe('createSidecarMetrics', () => {
  it('records config applied and rejected', async () => {
    const metrics = createSidecarMetrics({ processMetrics: false });
    metrics.configAppliedAt('v1', 'file', 1_700_000_000_000);
    metrics.configAppliedAt('v2', 'file', 1_700_000_005_000);
    metrics.configRejected('file');
    expect(await sample(metrics, 'weft_config_info', { version: 'v2' })).toBe(1);
    expect(await sample(metrics, 'weft_config_info', { version: 'v1' })).toBeUndefined();
    expect((await metrics.registry.metrics()).includes('weft_config_applied_timestamp_seconds 1700000005')).toBe(true);
    expect(await sample(metrics, 'weft_config_reloads_total', { source: 'file', result: 'applied' })).toBe(2);
    expect(await sample(metrics, 'weft_config_reloads_total', { source: 'file', result: 'rejected' })).toBe(1);
  });

  it('reads open connections from the sidecar at scrape time', async () => {
    const metrics = createSidecarMetrics({ processMetrics: false });
    expect(await sample(metrics, 'weft_open_connections', { direction: 'outbound' })).toBeUndefined();
    let outbound = 3;
    metrics.countConnections(() => ({ outbound, inbound: 1, upstream: 5 }));
    expect(await sample(metrics, 'weft_open_connections', { direction: 'outbound' })).toBe(3);
    expect(await sample(metrics, 'weft_open_connections', { direction: 'inbound' })).toBe(1);
    expect(await metrics.registry.getSingleMetricAsString('weft_upstream_connections')).toContain('weft_upstream_connections 5');
    outbound = 0;
    expect(await sample(metrics, 'weft_open_connections', { direction: 'outbound' })).toBe(0);
  });

  it('names every metric weft_ and keeps registries apart per sidecar', async () => {
    const a = createSidecarMetrics();
    const b = createSidecarMetrics({ processMetrics: false });
    a.retries.inc({ destination_service: 'reviews', destination_namespace: 'shop', route: '', reason: '5xx' });
    const names = (await a.registry.getMetricsAsJSON()).map((m) => m.name);
    expect(names.length).toBeGreaterThan(20);
    expect(names.filter((n) => !n.startsWith('weft_'))).toEqual([]);
    expect(await sample(b, 'weft_retries_total', {})).toBeUndefined();
  });
});
