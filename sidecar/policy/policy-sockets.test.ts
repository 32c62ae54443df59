/** The policies end to end: a real sidecar, real upstreams on loopback, the sidecar's /metrics registry. */
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../common/random.js';
import { ask } from '../testing/client.js';
import { httpService, testConfig } from '../testing/config.js';
import { useHarness } from '../testing/harness.js';
import { startHttpUpstream, type HttpUpstream, type UpstreamHandler } from '../testing/http-upstream.js';
import { metricSum } from '../testing/metric-sum.js';
import { closedPort, settle } from '../testing/sockets.js';

const h = useHarness();

const answer = (status: number): UpstreamHandler => (_req, res) => {
  res.writeHead(status, { 'content-type': 'text/plain' });
  res.end(`status ${status}`);
};
/** Takes the request and never answers. */
const hang: UpstreamHandler = () => undefined;

async function upstreams(...handlers: UpstreamHandler[]): Promise<HttpUpstream[]> {
  return Promise.all(handlers.map((handler) => h.own(startHttpUpstream(handler))));
}

/** A sidecar for service `reviews` on the given upstream ports; `port` is its outbound listener. */
async function proxy(ports: number[], policy: Record<string, unknown>) {
  const sidecar = await h.sidecar(testConfig({ services: [httpService('reviews', ports, { policy })] }), { policyRandom: seededRandom(1) });
  return {
    sidecar,
    port: sidecar.addresses().outbound.port,
    metric: (name: string) => metricSum(sidecar.observability.metrics, name),
  };
}

const roundRobin = { loadBalancer: { algorithm: 'round-robin' } };
const quickRetries = { attempts: 2, backoff: { base: '5ms', max: '20ms' } };

describe('policies over real sockets', () => {
  it('retries a 503 on the next endpoint and a refused connection too', async () => {
    const [bad, good] = await upstreams(answer(503), answer(200));
    const refused = await closedPort();
    const p = await proxy([bad!.port, refused, good!.port], { ...roundRobin, retries: quickRetries });
    // round robin: bad (503) -> refused (connect failure) -> good
    const res = await ask(p.port, { host: 'reviews' });
    expect(res.status).toBe(200);
    expect(res.body).toBe('status 200');
    expect(bad!.received).toHaveLength(1);
    expect(good!.received).toHaveLength(1);
    expect(await p.metric('weft_retries_total')).toBe(2);
  });

  it('returns the last 503 when retries run out, and never retries a POST', async () => {
    const [a, b] = await upstreams(answer(503), answer(503));
    const p = await proxy([a!.port, b!.port], { ...roundRobin, retries: { ...quickRetries, attempts: 1 } });
    expect((await ask(p.port, { host: 'reviews' })).status).toBe(503);
    expect(a!.received.length + b!.received.length).toBe(2);
    const post = await ask(p.port, { host: 'reviews', method: 'POST', body: 'order=1' });
    expect(post.status).toBe(503);
    expect(a!.received.length + b!.received.length).toBe(3);
  });

  it('cuts a hung try at the per-try timeout, retries elsewhere, and frees the hung connection', async () => {
    const [stuck, fine] = await upstreams(hang, answer(200));
    const p = await proxy([stuck!.port, fine!.port], { ...roundRobin, retries: quickRetries, timeouts: { perTry: '150ms', request: '10s' } });
    const res = await ask(p.port, { host: 'reviews' });
    expect(res.status).toBe(200);
    expect(stuck!.received).toHaveLength(1);
    expect(await settle(() => stuck!.connections.open(), 0)).toBe(0);
    expect(await p.metric('weft_timeouts_total')).toBe(1);
  });

  it('answers 504 with x-weft-error when the request timeout passes, leaving no upstream socket open', async () => {
    const [stuck] = await upstreams(hang);
    const p = await proxy([stuck!.port], { timeouts: { request: '200ms' } });
    const res = await ask(p.port, { host: 'reviews' });
    expect(res.status).toBe(504);
    expect(res.headers['x-weft-error']).toBe('WEFT_REQUEST_TIMEOUT');
    expect(await settle(() => stuck!.connections.open(), 0)).toBe(0);
    expect(await settle(() => p.sidecar.upstreamConnections(), 0)).toBe(0);
  });

  it('ejects an endpoint after consecutive failures and sends everything to the healthy one', async () => {
    const [broken, healthy] = await upstreams(answer(500), answer(200));
    const p = await proxy([broken!.port, healthy!.port], {
      ...roundRobin,
      retries: { attempts: 0 },
      outlierDetection: { consecutiveFailures: 2, baseEjectionTime: '60s', maxEjectionPercent: 50 },
    });
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await ask(p.port, { host: 'reviews' })).status);
    expect(broken!.received).toHaveLength(2);
    expect(statuses.filter((s) => s === 500)).toHaveLength(2);
    expect(healthy!.received).toHaveLength(8);
    expect(await p.metric('weft_outlier_ejections_total')).toBe(1);
  });

  it('answers 503 NO_HEALTHY_ENDPOINT when the only endpoint is ejected', async () => {
    const [broken] = await upstreams(answer(502));
    const p = await proxy([broken!.port], { retries: { attempts: 0 }, outlierDetection: { consecutiveFailures: 1, maxEjectionPercent: 100 } });
    expect((await ask(p.port, { host: 'reviews' })).status).toBe(502);
    const res = await ask(p.port, { host: 'reviews' });
    expect(res.status).toBe(503);
    expect(res.headers['x-weft-error']).toBe('WEFT_NO_HEALTHY_ENDPOINT');
    expect(broken!.received).toHaveLength(1);
  });

  it('rate limits with 429 and fails fast with 503 over the bulkhead', async () => {
    const [slow] = await upstreams(hang);
    const p = await proxy([slow!.port], { rateLimit: { requestsPerSecond: 0.001, burst: 3 }, connectionLimits: { maxRequests: 1, maxPendingRequests: 1 } });
    const first = ask(p.port, { host: 'reviews' }).catch(() => undefined); // holds the one slot
    await settle(() => slow!.received.length, 1);
    expect(p.sidecar.policyState.bulkheads.get('default/reviews').inUse).toBe(1);
    const second = ask(p.port, { host: 'reviews' }).catch(() => undefined); // waits in line
    await settle(() => p.sidecar.policyState.bulkheads.get('default/reviews').pending, 1);
    const third = await ask(p.port, { host: 'reviews' });
    expect(third.status).toBe(503);
    expect(third.headers['x-weft-error']).toBe('WEFT_OVERLOADED');
    expect(third.body).toContain('1 in flight (limit 1) and 1 waiting (limit 1)');
    const fourth = await ask(p.port, { host: 'reviews' });
    expect(fourth.status).toBe(429);
    expect(fourth.headers['x-weft-error']).toBe('WEFT_RATE_LIMITED');
    expect(await p.metric('weft_rate_limited_total')).toBe(1);
    expect(await p.metric('weft_overload_rejections_total')).toBe(1);
    await p.sidecar.stop();
    await Promise.all([first, second]);
  });

  it('applies an endpoint update without dropping a request in flight on a removed endpoint', async () => {
    let release: () => void = () => undefined;
    const [leaving, staying] = await upstreams((_req, res) => {
      res.writeHead(200);
      res.write('first half, ');
      release = () => res.end('second half');
    }, answer(200));
    const policy = { loadBalancer: { algorithm: 'round-robin' } };
    const config = (ports: number[]) => testConfig({ services: [httpService('reviews', ports, { policy })] });
    const sidecar = await h.sidecar(config([leaving!.port, staying!.port]), { policyRandom: seededRandom(1) });
    const port = sidecar.addresses().outbound.port;
    const inFlight = ask(port, { host: 'reviews' });
    await settle(() => leaving!.received.length, 1);
    sidecar.applyConfig(config([staying!.port]));
    for (let i = 0; i < 4; i++) expect((await ask(port, { host: 'reviews' })).body).toBe('status 200');
    expect(leaving!.received).toHaveLength(1);
    release();
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(res.body).toBe('first half, second half');
    expect(await settle(() => leaving!.connections.open(), 0)).toBe(0);
  });

  it('the request metrics name the endpoint workload the balancer chose under the timeouts', async () => {
    const [up] = await upstreams(answer(200));
    const service = httpService('reviews', [up!.port], { policy: { timeouts: { request: '5s', perTry: '2s' } } });
    (service.ports as { endpoints: Record<string, unknown>[] }[])[0]!.endpoints[0]!.workload = 'reviews-v1';
    const sidecar = await h.sidecar(testConfig({ services: [service] }));
    expect((await ask(sidecar.addresses().outbound.port, { host: 'reviews' })).status).toBe(200);
    const requests = (await sidecar.observability.metrics.registry.getMetricsAsJSON()).find((m) => m.name === 'weft_requests_total');
    expect(requests?.values.map((v) => v.labels.destination_workload)).toEqual(['reviews-v1']);
  });
});
