/** Fakes for testing the policy layers without sockets: targets with endpoints, contexts on a fake clock, open responses. */
import { Readable } from 'node:stream';
import { defaultTrafficPolicy } from '../../common/config/defaults.js';
import type { Endpoint, Service, TrafficPolicy } from '../../common/config/types.js';
import type { Clock } from '../../common/clock.js';
import { flushMicrotasks, type FakeClock } from '../../common/testing/fake-clock.js';
import type { Headers, ProxyRequest, ProxyResponse, RequestContext, Target } from '../pipeline/types.js';
import { bodyOf, fakeContext, fakeRequest } from './request-fixtures.js';

export function endpoint(address: string, port = 8080, weight = 1, ready = true): Endpoint {
  return { address, port, weight, ready };
}

/** `n` ready endpoints 10.0.0.1..n on port 8080. */
export function endpoints(n: number, weight = 1): Endpoint[] {
  return Array.from({ length: n }, (_, i) => endpoint(`10.0.0.${i + 1}`, 8080, weight));
}

export function fakeTarget(opts: { name?: string; endpoints?: Endpoint[]; policy?: Partial<TrafficPolicy> } = {}): Target {
  const service: Service = {
    name: opts.name ?? 'reviews',
    namespace: 'default',
    clusterIPs: ['10.96.0.10'],
    ports: [{ port: 9080, protocol: 'http', endpoints: opts.endpoints ?? endpoints(3) }],
    policy: { ...defaultTrafficPolicy, ...opts.policy },
    routes: [],
  };
  return { service, port: 9080, protocol: 'http' };
}

/** A context on `clock` for a routed `target` (the shared fakeContext, with the arguments layer tests vary). */
export function contextOn(clock: Clock, target?: Target, signal: AbortSignal = new AbortController().signal): RequestContext {
  return fakeContext({ clock, target, signal });
}

/** A request whose body is empty, replayable (small, fully received) or not replayable (too big). */
export function requestOf(method = 'GET', body: 'empty' | 'replayable' | 'too-big' = 'empty', headers: Headers = {}): ProxyRequest {
  if (body === 'empty') return fakeRequest({ method, headers });
  return fakeRequest({ method, headers, body: { ...bodyOf(['body']), replayable: body === 'replayable' } });
}

/** A response whose body stays open until the test ends it, for in-flight accounting. */
export function openResponse(status = 200): { res: ProxyResponse; end: () => void } {
  const body = new Readable({ read() {} });
  return { res: { status, headers: {}, body }, end: () => { body.push(null); body.resume(); } };
}

/**
 * Advance the fake clock in small steps until `promise` settles (or `maxMs` passed), so timers a
 * handler registers after a few awaits still fire at their exact fake time.
 */
export async function settle<T>(clock: FakeClock, promise: Promise<T>, maxMs = 60_000, stepMs = 1): Promise<T> {
  let done = false;
  const watched = promise.finally(() => (done = true));
  watched.catch(() => undefined);
  for (let waited = 0; waited < maxMs; waited += stepMs) {
    await flushMicrotasks();
    if (done) break;
    await clock.advance(stepMs);
  }
  return watched;
}
