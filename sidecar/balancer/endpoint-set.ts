/**
 * The live endpoints of one service port, kept across config updates: applying a new endpoint list
 * keeps the state (latency, in-flight, ejection) of endpoints that stay, adds new ones, and marks
 * removed ones so their in-flight requests finish while no new request picks them.
 */
import type { Endpoint, LoadBalancerPolicy } from '../../common/config/types.js';
import type { Random } from '../../common/random.js';
import type { Target } from '../pipeline/types.js';
import { KeyedState, servicePortKey } from '../pipeline/keyed-state.js';
import type { Balancer } from './balancer.js';
import { createBalancer } from './create.js';
import { EndpointState, endpointKey } from './endpoint-state.js';

/**
 * The order in which endpoint lists were first seen. A request still running on an older config
 * (a retry after a swap) must not put that config's list back over a newer one.
 */
const firstSeen = new WeakMap<readonly Endpoint[], number>();
let seenCount = 0;

function generationOf(endpoints: readonly Endpoint[]): number {
  let generation = firstSeen.get(endpoints);
  if (generation === undefined) {
    generation = ++seenCount;
    firstSeen.set(endpoints, generation);
  }
  return generation;
}

export class EndpointSet {
  private states = new Map<string, EndpointState>();
  private generation = 0;
  private balancer: { policy: LoadBalancerPolicy; instance: Balancer } | undefined;

  /** Apply the config's endpoint list when it is newer than the one applied; cheap otherwise. */
  sync(endpoints: readonly Endpoint[]): void {
    const generation = generationOf(endpoints);
    if (generation <= this.generation) return;
    this.generation = generation;
    const next = new Map<string, EndpointState>();
    for (const endpoint of endpoints) {
      const key = endpointKey(endpoint);
      const state = this.states.get(key) ?? next.get(key) ?? new EndpointState(endpoint);
      state.endpoint = endpoint;
      state.removed = false;
      next.set(key, state);
    }
    for (const [key, state] of this.states) if (!next.has(key)) state.removed = true;
    this.states = next;
  }

  get(key: string): EndpointState | undefined {
    return this.states.get(key);
  }

  all(): EndpointState[] {
    return [...this.states.values()];
  }

  /** Endpoints a new request may go to: ready and not ejected. */
  available(now: number): EndpointState[] {
    const out: EndpointState[] = [];
    for (const s of this.states.values()) if (s.endpoint.ready && !s.isEjected(now)) out.push(s);
    return out;
  }

  /** The balancer for this set, kept while the policy stays the same so its state carries on. */
  balancerFor(policy: LoadBalancerPolicy, random: Random): Balancer {
    if (!this.balancer || !samePolicy(this.balancer.policy, policy)) {
      this.balancer = { policy, instance: createBalancer(policy, random) };
    }
    return this.balancer.instance;
  }
}

function samePolicy(a: LoadBalancerPolicy, b: LoadBalancerPolicy): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/** Every service port's endpoint set, keyed `namespace/name:port`; one per sidecar. */
export type EndpointSets = KeyedState<EndpointSet>;

export function endpointSets(): EndpointSets {
  return new KeyedState(() => new EndpointSet());
}

/** The set for a routed target, synced with the target's current endpoint list. */
export function endpointSetFor(sets: EndpointSets, target: Target): EndpointSet {
  const set = sets.get(servicePortKey(target));
  set.sync(target.service.ports.find((p) => p.port === target.port)?.endpoints ?? []);
  return set;
}
