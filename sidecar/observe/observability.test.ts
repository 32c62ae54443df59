import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../common/clock.js';
import { parseProxyConfig } from '../../common/config/parse.js';
import { Observability } from './observability.js';
import { compose, type Handler } from '../pipeline/types.js';
import { drain, fakeContext, fakeRequest, fakeResponse } from '../testing/request-fixtures.js';
import { captureLog } from '../testing/log-capture.js';
import { startTraceCollector, type TraceCollector } from '../testing/trace-collector.js';

const collectors: TraceCollector[] = [];
let observability: Observability | undefined;
afterEach(async () => {
  await observability?.close(1000);
  observability = undefined;
  for (const c of collectors.splice(0)) await c.close();
});

function configWith(version: string, tracing: Record<string, unknown>, accessLog = { enabled: true }) {
  return parseProxyConfig({ version, node: { workload: 'productpage', namespace: 'shop' }, tracing, accessLog });
}

function setup() {
  const { lines, log } = captureLog();
  observability = new Observability({ clock: systemClock, log, processMetrics: false });
  return { o: observability, lines };
}

const terminal: Handler = async (req) => fakeResponse(200, [`seen ${String(req.headers.traceparent)}`]);

async function send(o: Observability, config: ReturnType<typeof configWith>): Promise<string> {
  const handler = compose(o.layers(config), terminal);
  const ctx = fakeContext({ clock: systemClock });
  const res = await handler(fakeRequest(), ctx);
  await drain(res.body);
  await new Promise((r) => setImmediate(r));
  return ctx.trace!.span.traceId;
}

describe('Observability', () => {
  it('wires metrics, tracing, access log and span export from one config', async () => {
    const c = await startTraceCollector();
    collectors.push(c);
    const { o, lines } = setup();
    const config = configWith('v1', { samplingRate: 1, exporter: { kind: 'zipkin', endpoint: c.url('/api/v2/spans'), batchSize: 1 } });
    o.applyConfig(config, 'file');
    const traceId = await send(o, config);
    await c.until(1);
    expect((c.received[0]!.body as { traceId: string }[])[0]!.traceId).toBe(traceId);
    expect(lines.filter((l) => l.msg === 'access')).toMatchObject([{ traceId, component: 'access', status: 200 }]);
    const text = await o.metrics.registry.metrics();
    expect(text).toContain('weft_config_info{version="v1"} 1');
    expect(text).toMatch(/weft_requests_total\{[^}]*destination_service="passthrough"[^}]*\} 1/);
  });

  it('moves span export to a new collector when the config changes, closing the old connection', async () => {
    const first = await startTraceCollector();
    const second = await startTraceCollector();
    collectors.push(first, second);
    const { o } = setup();
    const v1 = configWith('v1', { samplingRate: 1, exporter: { kind: 'zipkin', endpoint: first.url('/api/v2/spans'), batchSize: 1 } });
    o.applyConfig(v1, 'file');
    await send(o, v1);
    await first.until(1);
    const v2 = configWith('v2', { samplingRate: 1, exporter: { kind: 'otlp', endpoint: second.url('/v1/traces'), batchSize: 1 } });
    o.applyConfig(v2, 'control-plane');
    await first.allClosed();
    // A pipeline built from the old config still exports, now through the new collector.
    await send(o, v1);
    await second.until(1);
    expect(second.received[0]!.path).toBe('/v1/traces');
    expect(first.received).toHaveLength(1);
  });

  it('stops exporting when the exporter is removed, and counts rejected configs', async () => {
    const c = await startTraceCollector();
    collectors.push(c);
    const { o, lines } = setup();
    const v1 = configWith('v1', { samplingRate: 1, exporter: { kind: 'zipkin', endpoint: c.url('/api/v2/spans'), batchSize: 1 } });
    o.applyConfig(v1, 'file');
    const v2 = configWith('v2', { samplingRate: 1 }, { enabled: false });
    o.applyConfig(v2, 'file');
    o.rejectConfig('file');
    await send(o, v2);
    await c.allClosed();
    expect(c.received).toHaveLength(0);
    expect(lines.filter((l) => l.msg === 'access')).toHaveLength(0);
    const text = await o.metrics.registry.metrics();
    expect(text).toContain('weft_config_reloads_total{source="file",result="applied"} 2');
    expect(text).toContain('weft_config_reloads_total{source="file",result="rejected"} 1');
  });
});
