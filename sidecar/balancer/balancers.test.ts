import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../common/random.js';
import { endpoint } from '../testing/policy-fakes.js';
import type { Balancer } from './balancer.js';
import { consistentHashBalancer } from './consistent-hash.js';
import { EndpointState } from './endpoint-state.js';
import { p2cEwmaBalancer } from './p2c-ewma.js';
import { randomBalancer } from './random.js';
import { roundRobinBalancer } from './round-robin.js';

function states(weights: number[]): EndpointState[] {
  return weights.map((w, i) => new EndpointState(endpoint(`10.0.0.${i + 1}`, 8080, w)));
}

/** Share of `n` picks each candidate got, in candidate order. */
function shares(balancer: Balancer, candidates: EndpointState[], n: number, key?: (i: number) => string): number[] {
  const counts = new Map<EndpointState, number>();
  for (let i = 0; i < n; i++) {
    const c = balancer.pick(candidates, 0, key?.(i));
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  return candidates.map((c) => (counts.get(c) ?? 0) / n);
}

const weights = [1, 2, 5, 0];
const expected = [1 / 8, 2 / 8, 5 / 8, 0];

describe('balancers honour weights', () => {
  it('round robin follows the weights exactly and interleaves them smoothly', () => {
    const c = states([5, 1, 1]);
    const rr = roundRobinBalancer();
    const order = Array.from({ length: 7 }, () => rr.pick(c, 0).key);
    expect(order).toEqual(['10.0.0.1:8080', '10.0.0.1:8080', '10.0.0.2:8080', '10.0.0.1:8080', '10.0.0.3:8080', '10.0.0.1:8080', '10.0.0.1:8080']);
    expect(shares(roundRobinBalancer(), states(weights), 8000)).toEqual(expected);
  });

  it('round robin with equal weights cycles through every endpoint', () => {
    const c = states([1, 1, 1]);
    const rr = roundRobinBalancer();
    expect(Array.from({ length: 6 }, () => c.indexOf(rr.pick(c, 0)))).toEqual([0, 1, 2, 0, 1, 2]);
  });

  it('random follows the weights', () => {
    const got = shares(randomBalancer(seededRandom(1)), states(weights), 40_000);
    got.forEach((share, i) => expect(share).toBeCloseTo(expected[i]!, 1));
    expect(got[3]).toBe(0);
  });

  it('p2c with equal load follows the weights', () => {
    const got = shares(p2cEwmaBalancer(seededRandom(2)), states([1, 1, 2]), 40_000);
    // Two weighted draws then the cheaper: with equal costs the first draw wins, so shares follow weights.
    got.forEach((share, i) => expect(share).toBeCloseTo([0.25, 0.25, 0.5][i]!, 1));
  });

  it('consistent hash spreads keys in proportion to weight', () => {
    const got = shares(consistentHashBalancer(seededRandom(3)), states([1, 1, 2]), 40_000, (i) => `user-${i}`);
    got.forEach((share, i) => expect(Math.abs(share - [0.25, 0.25, 0.5][i]!)).toBeLessThan(0.05));
  });

  it('p2c never sends to a weight-0 endpoint, even a cheaper one, while another has weight', () => {
    const c = states([1, 0]);
    c[0]!.observeLatency(100, 0);
    c[1]!.observeLatency(1, 0);
    expect(shares(p2cEwmaBalancer(seededRandom(13)), c, 1000)).toEqual([1, 0]);
  });

  it('all weights 0 count as equal', () => {
    const got = shares(randomBalancer(seededRandom(4)), states([0, 0]), 10_000);
    got.forEach((share) => expect(share).toBeCloseTo(0.5, 1));
    expect(shares(roundRobinBalancer(), states([0, 0]), 10)).toEqual([0.5, 0.5]);
  });
});

describe('p2c-ewma', () => {
  it('prefers the endpoint with lower latency', () => {
    const c = states([1, 1, 1]);
    c[0]!.observeLatency(100, 0);
    c[1]!.observeLatency(10, 0);
    c[2]!.observeLatency(100, 0);
    const got = shares(p2cEwmaBalancer(seededRandom(5)), c, 9000);
    // The fast one wins every pair it is drawn into: 2 of the 3 pairs.
    expect(got[1]).toBeCloseTo(2 / 3, 1);
  });

  it('prefers the endpoint with fewer requests in flight at equal latency', () => {
    const c = states([1, 1]);
    c.forEach((e) => e.observeLatency(10, 0));
    c[0]!.inFlight = 5;
    expect(shares(p2cEwmaBalancer(seededRandom(6)), c, 1000)).toEqual([0, 1]);
  });

  it('weighs latency against load: cost = latency * (in flight + 1)', () => {
    const c = states([1, 1]);
    c[0]!.observeLatency(10, 0); // 10 * (3 + 1) = 40
    c[0]!.inFlight = 3;
    c[1]!.observeLatency(30, 0); // 30 * (0 + 1) = 30
    expect(shares(p2cEwmaBalancer(seededRandom(7)), c, 100)).toEqual([0, 1]);
  });

  it('gives a new endpoint the mean latency of the others', () => {
    const c = states([1, 1, 1]);
    c[0]!.observeLatency(10, 0);
    c[1]!.observeLatency(30, 0);
    c[2]!.inFlight = 1; // unknown: costs 20 * 2 = 40, dearer than both
    expect(shares(p2cEwmaBalancer(seededRandom(8)), c, 3000)[2]).toBe(0);
  });

  it('tries a starved endpoint again once its old estimate has faded, instead of never', () => {
    // One failure penalty (1 s) against endpoints answering in 1 ms: the penalised one loses every
    // draw while its estimate is fresh, and gets traffic again once it has faded below theirs.
    const c = states([1, 1, 1]);
    c[0]!.observeLatency(1000, 0);
    const freshAt = (now: number): void => c.slice(1).forEach((e) => e.observeLatency(1, now));
    freshAt(0);
    const balancer = p2cEwmaBalancer(seededRandom(12));
    const sharesAt = (now: number): number => {
      let starved = 0;
      for (let i = 0; i < 3000; i++) if (balancer.pick(c, now) === c[0]) starved++;
      return starved / 3000;
    };
    expect(sharesAt(1000)).toBe(0);
    freshAt(80_000); // the others keep answering, so only the penalised estimate is stale
    expect(sharesAt(80_000)).toBeGreaterThan(0.5); // 1000 * e^-8 = 0.34 ms: now the cheapest
  });

  it('takes traffic from an endpoint that fails fast within a few tries, however fast it answers', () => {
    const c = states([1, 1, 1]);
    c.forEach((e, i) => e.observeLatency(i === 0 ? 0.2 : 1, 0)); // the failing one answers 5x faster
    const balancer = p2cEwmaBalancer(seededRandom(13));
    expect(shares(balancer, c, 3000)[0]).toBeCloseTo(2 / 3, 1);
    c[0]!.observeOutcome(true, 0); // share 0.3: passed over in 90% of its draws
    expect(shares(balancer, c, 3000)[0]).toBeCloseTo((2 / 3) * 0.1, 1);
    c[0]!.observeOutcome(true, 0); // 0.51: passed over in 90%, never all, of its draws
    const left = shares(balancer, c, 3000)[0]!;
    expect(left).toBeGreaterThan(0.04);
    expect(left).toBeLessThan(0.09); // about 2/3 * 0.1
  });

  it('gives an endpoint failing one try in five a smaller share, and one failing one in a hundred its full share', () => {
    const run = (failEvery: number): number[] => {
      const c = states([1, 1, 1]);
      const balancer = p2cEwmaBalancer(seededRandom(14));
      const latency = seededRandom(3);
      const picks = [0, 0, 0];
      for (let i = 0; i < 6000; i++) {
        const now = i * 2; // a pick every 2 ms, answered in 0.5-1.5 ms
        const chosen = balancer.pick(c, now);
        const index = c.indexOf(chosen);
        picks[index]!++;
        chosen.observeLatency(0.5 + latency(), now);
        chosen.observeOutcome(index === 0 && picks[0]! % failEvery === 0, now);
      }
      return picks.map((p) => p / 6000);
    };
    const fifth = run(5);
    expect(fifth[0]).toBeGreaterThan(0.08);
    expect(fifth[0]).toBeLessThan(0.2);
    expect(Math.min(fifth[1]!, fifth[2]!)).toBeGreaterThan(0.36);
    expect(run(100)[0]).toBeGreaterThan(0.3);
  });

  it('lets a failure share fade with time, so an endpoint that failed is tried again', () => {
    const e = new EndpointState(endpoint('10.0.0.1'));
    for (let i = 0; i < 20; i++) e.observeOutcome(true, 0);
    expect(e.failureShare(0)).toBeGreaterThan(0.99);
    expect(e.failureShare(30_000)).toBeLessThan(0.05);
    e.observeOutcome(false, 30_000);
    expect(e.failureShare(30_000)).toBeLessThan(0.035);
  });

  it('peak EWMA jumps to a slow observation and decays back over time', () => {
    const e = new EndpointState(endpoint('10.0.0.1'));
    e.observeLatency(10, 0);
    e.observeLatency(500, 1);
    expect(e.latencyMs).toBe(500);
    e.observeLatency(10, 2);
    expect(e.latencyMs).toBeGreaterThan(499); // 1 ms later the peak still dominates
    e.observeLatency(10, 30_000);
    expect(e.latencyMs).toBeLessThan(40); // after 3 decay periods it is mostly forgotten
  });
});

describe('consistent hash', () => {
  const keys = Array.from({ length: 5000 }, (_, i) => `session-${i}`);
  const place = (b: Balancer, c: EndpointState[]): string[] => keys.map((k) => b.pick(c, 0, k).key);

  it('sends the same key to the same endpoint while the set is stable', () => {
    const c = states([1, 1, 1, 1]);
    const b = consistentHashBalancer(seededRandom(9));
    expect(place(b, c)).toEqual(place(b, c));
    // A fresh balancer (another sidecar) agrees: the ring depends only on the endpoints.
    expect(place(consistentHashBalancer(seededRandom(10)), c)).toEqual(place(b, c));
  });

  it('moves only the keys of a removed endpoint, and only about 1/n keys to an added one', () => {
    const ten = states(Array.from({ length: 10 }, () => 1));
    const b = consistentHashBalancer(seededRandom(11));
    const before = place(b, ten);

    const nine = ten.filter((_, i) => i !== 4);
    const afterRemove = place(b, nine);
    keys.forEach((_, i) => {
      if (before[i] !== ten[4]!.key) expect(afterRemove[i]).toBe(before[i]);
    });

    const eleven = [...ten, new EndpointState(endpoint('10.0.0.99'))];
    const afterAdd = place(b, eleven);
    const moved = keys.filter((_, i) => afterAdd[i] !== before[i]);
    keys.forEach((_, i) => {
      if (afterAdd[i] !== before[i]) expect(afterAdd[i]).toBe('10.0.0.99:8080');
    });
    expect(moved.length / keys.length).toBeGreaterThan(0.04);
    expect(moved.length / keys.length).toBeLessThan(0.16);
  });

  it('spreads requests without a key at random', () => {
    const got = shares(consistentHashBalancer(seededRandom(12)), states([1, 1]), 10_000);
    got.forEach((share) => expect(share).toBeCloseTo(0.5, 1));
  });
});
