/** Test harness: starts sidecars and upstreams on port 0 and stops everything after each test. */
import { afterEach } from 'vitest';
import type { ProxyConfig } from '../../common/config/types.js';
import { Sidecar, type SidecarOptions } from '../sidecar.js';

export interface Harness {
  /** Registers a clean-up to run after the test (last registered runs first). */
  defer(fn: () => unknown): void;
  sidecar(config: ProxyConfig, options?: SidecarOptions): Promise<Sidecar>;
  /** Start something with a `close()` and close it after the test. */
  own<T extends { close(): unknown }>(thing: Promise<T>): Promise<T>;
}

export function useHarness(): Harness {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });
  return {
    defer: (fn) => cleanups.push(fn),
    async sidecar(config, options) {
      const s = await Sidecar.start(config, options);
      cleanups.push(() => s.stop());
      return s;
    },
    async own(thing) {
      const t = await thing;
      cleanups.push(() => t.close());
      return t;
    },
  };
}

/** A deterministic random source (a fixed sequence cycling through [0, 1) in even steps). */
export function evenRandom(steps: number): () => number {
  let i = 0;
  return () => ((i++ % steps) + 0.5) / steps;
}
