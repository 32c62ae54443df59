/**
 * Consistent hashing on a ring of virtual nodes: the same key goes to the same endpoint while the
 * set is stable, and adding or removing one endpoint moves only the keys that belong to it (about
 * 1/n of them). Each endpoint gets virtual nodes in proportion to its weight. Requests without a
 * key are spread at random (weighted).
 */
import type { Random } from '../../common/random.js';
import { weightedIndex, type Balancer } from './balancer.js';
import type { EndpointState } from './endpoint-state.js';
import { hash32 } from './hash.js';

/** Virtual nodes per unit of weight: enough for an even spread (about ±10% at 100). */
const nodesPerWeight = 100;
const maxNodesPerEndpoint = 5000;

interface Ring {
  signature: string;
  points: Uint32Array;
  owners: EndpointState[];
}

export function consistentHashBalancer(random: Random): Balancer {
  let ring: Ring | undefined;
  return {
    pick(candidates, _now, hashKey) {
      if (hashKey === undefined || candidates.length === 1) return candidates[weightedIndex(candidates, random)]!;
      const signature = candidates.map((c) => `${c.key}*${c.weight}`).join(',');
      if (ring?.signature !== signature) ring = buildRing(candidates, signature);
      return lookup(ring, hash32(hashKey));
    },
  };
}

function buildRing(candidates: readonly EndpointState[], signature: string): Ring {
  const equal = candidates.every((c) => c.weight === 0);
  const nodes: { point: number; owner: EndpointState }[] = [];
  for (const owner of candidates) {
    if (!equal && owner.weight === 0) continue;
    const count = Math.min(maxNodesPerEndpoint, Math.max(1, Math.round((equal ? 1 : owner.weight) * nodesPerWeight)));
    for (let i = 0; i < count; i++) nodes.push({ point: hash32(`${owner.key}#${i}`), owner });
  }
  // Ties (rare) resolve by key so every sidecar builds the same ring.
  nodes.sort((a, b) => a.point - b.point || (a.owner.key < b.owner.key ? -1 : 1));
  return { signature, points: Uint32Array.from(nodes, (n) => n.point), owners: nodes.map((n) => n.owner) };
}

/** The first virtual node at or after `h`, wrapping around. */
function lookup(ring: Ring, h: number): EndpointState {
  let lo = 0;
  let hi = ring.points.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ring.points[mid]! < h) lo = mid + 1;
    else hi = mid;
  }
  return ring.owners[lo === ring.points.length ? 0 : lo]!;
}
