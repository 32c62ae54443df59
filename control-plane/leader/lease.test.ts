import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../common/log.js';

import { FakeClock } from '../../common/testing/fake-clock.js';
import { FakeApiServer } from '../testing/fake-apiserver.js';
import { LeaseElector } from './lease.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup() {
  const api = new FakeApiServer();
  await api.start();
  cleanups.push(() => api.stop());
  const clock = new FakeClock();
  const replica = (identity: string) => {
    const changes: boolean[] = [];
    const e = new LeaseElector({ client: api.client(), namespace: 'weft-system', name: 'weft-control-plane', identity, clock, log: silentLogger, leaseDurationMs: 15_000, renewIntervalMs: 5_000, onChange: (l) => changes.push(l) });
    return { e, changes };
  };
  return { api, clock, replica };
}

describe('LeaseElector', () => {
  it('elects exactly one of two replicas, keeps it while it renews, and hands over when it stops', async () => {
    const { api, clock, replica } = await setup();
    const a = replica('cp-a');
    const b = replica('cp-b');
    await a.e.tick();
    await b.e.tick();
    expect([a.e.isLeader, b.e.isLeader]).toEqual([true, false]);
    for (let i = 0; i < 6; i++) {
      await a.e.tick();
      await b.e.tick();
      await clock.advance(5_000);
    }
    expect([a.e.isLeader, b.e.isLeader]).toEqual([true, false]);
    expect(api.get('/apis/coordination.k8s.io/v1/leases', 'weft-system/weft-control-plane')?.spec).toMatchObject({ holderIdentity: 'cp-a', leaseDurationSeconds: 15 });
    await a.e.stop();
    await b.e.tick();
    expect([a.e.isLeader, b.e.isLeader]).toEqual([false, true]);
    expect(a.changes).toEqual([true, false]);
    await b.e.stop();
  });

  it('takes over an expired lease, and a leader that cannot renew steps down', async () => {
    const { api, clock, replica } = await setup();
    const a = replica('cp-a');
    const b = replica('cp-b');
    await a.e.tick();
    // a dies without releasing; b waits out the lease duration.
    await clock.advance(10_000);
    await b.e.tick();
    expect(b.e.isLeader).toBe(false);
    await clock.advance(6_000);
    await b.e.tick();
    expect(b.e.isLeader).toBe(true);
    expect(api.get('/apis/coordination.k8s.io/v1/leases', 'weft-system/weft-control-plane')?.spec).toMatchObject({ holderIdentity: 'cp-b', leaseTransitions: 1 });
    // a comes back: it sees b's lease and steps down.
    await a.e.tick();
    expect(a.e.isLeader).toBe(false);
    // b loses the API server for longer than the lease: it steps down on its own.
    api.failNext('/apis/coordination.k8s.io/v1/namespaces/weft-system/leases/weft-control-plane', 500, 500, 500, 500);
    await clock.advance(16_000);
    await b.e.tick();
    expect(b.e.isLeader).toBe(false);
    await a.e.stop();
    await b.e.stop();
  });
});
