/**
 * Per-service state (retry budgets, token buckets, bulkheads, endpoint sets) that must survive
 * config updates: a config swap hands layers new policy objects, but the counters carry on.
 */
import { namespacedKey } from '../../common/keys.js';
import type { Target } from './types.js';

/** `namespace/name`, the key every per-service state uses. */
export function serviceKey(target: Pick<Target, 'service'>): string {
  return namespacedKey(target.service.namespace, target.service.name);
}

/** `namespace/name:port`, the key of a service port's endpoint set. */
export function servicePortKey(target: Pick<Target, 'service' | 'port'>): string {
  return `${serviceKey(target)}:${target.port}`;
}

/** A map that creates its values on first use, and can forget keys the config no longer has. */
export class KeyedState<T> {
  private readonly map = new Map<string, T>();

  constructor(private readonly create: (key: string) => T) {}

  get(key: string): T {
    let value = this.map.get(key);
    if (value === undefined) {
      value = this.create(key);
      this.map.set(key, value);
    }
    return value;
  }

  peek(key: string): T | undefined {
    return this.map.get(key);
  }

  /** Drop every key `keep` rejects (called after a config swap with the new service keys). */
  prune(keep: (key: string) => boolean): void {
    for (const key of this.map.keys()) if (!keep(key)) this.map.delete(key);
  }

  /** Every key with its value, in the order they were created. */
  entries(): IterableIterator<[string, T]> {
    return this.map.entries();
  }

  get size(): number {
    return this.map.size;
  }
}
