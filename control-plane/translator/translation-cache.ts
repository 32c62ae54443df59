/**
 * Translations of the current snapshot, by proxy identity: a thin layer around the pure
 * `translate`. A proxy that reconnects, or a second stream of the same pod, reuses its config
 * object (and with it the server's encoded snapshot); the service table inside is shared by every
 * proxy of the snapshot anyway (translate.ts). Only the newest snapshot's entries are kept, so
 * nothing outlives the snapshot it was built from.
 */
import type { ProxyConfig } from '../../common/config/types.js';
import type { ProxyIdentity } from '../state/proxy-identity.js';
import type { ClusterSnapshot } from '../state/cluster-snapshot.js';
import { defaultTranslatorOptions, translate, type TranslatorOptions } from './translate.js';

export class TranslationCache {
  private snapshot?: ClusterSnapshot;
  private readonly byIdentity = new Map<string, ProxyConfig>();
  /** Translations made (cache misses), for tests and the benchmark. */
  builds = 0;

  constructor(
    private readonly opts: TranslatorOptions = defaultTranslatorOptions,
    /** More distinct identities than this in one snapshot evict the oldest (a bound, not a tuning knob). */
    private readonly maxEntries = 20_000,
  ) {}

  translate(snapshot: ClusterSnapshot, identity: ProxyIdentity): ProxyConfig {
    if (snapshot !== this.snapshot) {
      this.snapshot = snapshot;
      this.byIdentity.clear();
    }
    const key = identityKey(identity);
    const hit = this.byIdentity.get(key);
    if (hit) return hit;
    const config = translate(snapshot, identity, this.opts);
    this.builds++;
    if (this.byIdentity.size >= this.maxEntries) this.byIdentity.delete(this.byIdentity.keys().next().value as string);
    this.byIdentity.set(key, config);
    return config;
  }

  get size(): number {
    return this.byIdentity.size;
  }
}

/** Every identity field the translator reads; labels in a stable order. */
function identityKey(id: ProxyIdentity): string {
  const labels = Object.entries(id.labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([id.namespace, id.pod, id.serviceAccount, id.workload, id.podIp ?? '', labels]);
}
