/** The balancer for a LoadBalancerPolicy's algorithm. */
import type { LoadBalancerPolicy } from '../../common/config/types.js';
import type { Random } from '../../common/random.js';
import type { Balancer } from './balancer.js';
import { consistentHashBalancer } from './consistent-hash.js';
import { p2cEwmaBalancer } from './p2c-ewma.js';
import { randomBalancer } from './random.js';
import { roundRobinBalancer } from './round-robin.js';

export function createBalancer(policy: LoadBalancerPolicy, random: Random): Balancer {
  switch (policy.algorithm) {
    case 'round-robin':
      return roundRobinBalancer();
    case 'random':
      return randomBalancer(random);
    case 'consistent-hash':
      return consistentHashBalancer(random);
    case 'p2c-ewma':
      return p2cEwmaBalancer(random);
  }
}
