import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../common/testing/fake-clock.js';
import { ErrorCodes, isWeftError, type WeftError } from '../../common/errors.js';
import type { ConnectionLimits } from '../../common/config/types.js';
import type { ProxyResponse } from '../pipeline/types.js';
import { contextOn, requestOf, fakeTarget, openResponse } from '../testing/policy-fakes.js';
import { bulkheadLayer, bulkheads } from './bulkhead.js';
import { ConcurrencyLimiter } from './limiter.js';

function setup(limits: ConnectionLimits) {
  const clock = new FakeClock();
  const state = bulkheads();
  const open: ReturnType<typeof openResponse>[] = [];
  const reasons: string[] = [];
  const handler = bulkheadLayer({ limits: () => limits, state, events: { overloaded: (_c, r) => reasons.push(r) } })(async () => {
    const o = openResponse();
    open.push(o);
    return o.res;
  });
  const target = fakeTarget();
  const send = (signal?: AbortSignal): Promise<ProxyResponse> => handler(requestOf(), contextOn(clock, target, signal));
  return { open, reasons, send, limiter: () => state.get('default/reviews') };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('bulkheadLayer', () => {
  it('fails fast with OVERLOADED (503) and a reason once in-flight and pending limits are full', async () => {
    const t = setup({ maxConnections: 0, maxRequests: 2, maxPendingRequests: 1 });
    await t.send();
    await t.send();
    const waiting = t.send();
    const err = (await t.send().catch((e: unknown) => e)) as WeftError;
    expect(isWeftError(err, ErrorCodes.OVERLOADED)).toBe(true);
    expect(err.status).toBe(503);
    expect(err.message).toBe('requests to default/reviews: 2 in flight (limit 2) and 1 waiting (limit 1)');
    expect(t.reasons).toEqual([err.message]);
    expect(t.open).toHaveLength(2);

    // A slot frees when a response body ends; the waiting request goes next.
    t.open[0]!.end();
    await tick();
    await waiting;
    expect(t.open).toHaveLength(3);
    expect(t.limiter().inUse).toBe(2);
    expect(t.limiter().pending).toBe(0);
  });

  it('a waiting request leaves the line when its client goes away', async () => {
    const t = setup({ maxConnections: 0, maxRequests: 1, maxPendingRequests: 5 });
    await t.send();
    const client = new AbortController();
    const waiting = t.send(client.signal).catch((e: unknown) => e);
    await tick();
    expect(t.limiter().pending).toBe(1);
    client.abort(new Error('gone'));
    expect(((await waiting) as Error).message).toBe('gone');
    expect(t.limiter().pending).toBe(0);
    t.open[0]!.end();
    await tick();
    expect(t.limiter().inUse).toBe(0);
  });

  it('releases the slot when the inner handler fails', async () => {
    const state = bulkheads();
    const handler = bulkheadLayer({ limits: () => ({ maxConnections: 0, maxRequests: 1, maxPendingRequests: 1 }), state })(async () => {
      throw new Error('boom');
    });
    const ctx = contextOn(new FakeClock(), fakeTarget());
    await expect(handler(requestOf(), ctx)).rejects.toThrow('boom');
    await expect(handler(requestOf(), ctx)).rejects.toThrow('boom');
    expect(state.get('default/reviews').inUse).toBe(0);
  });

  it('does not limit when maxRequests is 0', async () => {
    const t = setup({ maxConnections: 0, maxRequests: 0, maxPendingRequests: 0 });
    for (let i = 0; i < 100; i++) await t.send();
    expect(t.open).toHaveLength(100);
  });
});

describe('ConcurrencyLimiter', () => {
  it('lets waiters in when a config update raises the limit', async () => {
    const l = new ConcurrencyLimiter({ limit: 1, maxPending: 0 }, 'connections to x');
    await l.acquire();
    let admitted = 0;
    const waiters = [l.acquire(), l.acquire(), l.acquire()].map((p) => p.then(() => admitted++));
    await tick();
    expect(admitted).toBe(0);
    l.configure({ limit: 3, maxPending: 0 });
    await tick();
    expect(admitted).toBe(2);
    expect(l.pending).toBe(1);
    l.configure({ limit: 0, maxPending: 0 });
    await Promise.all(waiters);
    expect(l.inUse).toBe(4);
  });

  it('a release is counted once however often it is called', async () => {
    const l = new ConcurrencyLimiter({ limit: 2, maxPending: 0 }, 'x');
    const release = await l.acquire();
    release();
    release();
    expect(l.inUse).toBe(0);
  });
});
