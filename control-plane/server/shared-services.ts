/**
 * The service table every proxy of a snapshot shares, encoded once: its JSON text, validated with
 * the sidecar's parser once, hashed once and gzipped once as a gzip member that every proxy's
 * payload repeats byte for byte (gzip members concatenate; the sidecar's gunzip reads them as one
 * document). Per proxy, only the small rest of the document is built (prepared-config.ts).
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { parseProxyConfig, toDocument, type ProxyConfig } from '../../common/config/index.js';
import type { Service } from '../../common/config/types.js';

export interface EncodedServices {
  /** Content hash of `json`. */
  readonly hash: string;
  /** The `services` array of the config document, as JSON text. */
  readonly json: string;
  readonly jsonBytes: number;
  /** `json` as one gzip member, made on first use (small configs travel uncompressed). */
  gzip(): Buffer;
}

/** A service table no proxy config could hold: validation runs on it alone, with a placeholder node. */
const placeholderNode = { workload: 'shared', namespace: 'shared' };

export class SharedServicesCache {
  /** Newest first; a handful is enough, since only the current snapshot's table is asked for. */
  private entries: { services: readonly Service[]; encoded: EncodedServices }[] = [];
  /** Tables encoded (validated and hashed), for tests and the benchmark. */
  encodes = 0;

  constructor(private readonly capacity = 4) {}

  /**
   * The encoding of `config.services`: by array identity first (the translator hands every proxy
   * of a snapshot the same array), then by content, so a snapshot whose services did not change
   * (a Pod event) re-uses the encoding after one stringify and hash instead of a validation and gzip.
   */
  get(config: ProxyConfig): EncodedServices {
    if (this.entries[0]?.services === config.services) return this.entries[0].encoded;
    const byIdentity = this.entries.find((e) => e.services === config.services);
    if (byIdentity) return this.touch(byIdentity);
    const json = JSON.stringify(toDocument(config).services);
    const hash = createHash('sha256').update(json).digest('hex');
    const byContent = this.entries.find((e) => e.encoded.hash === hash);
    const encoded = byContent?.encoded ?? this.encode(json, hash);
    return this.touch({ services: config.services, encoded });
  }

  get size(): number {
    return this.entries.length;
  }

  private encode(json: string, hash: string): EncodedServices {
    // The same check the sidecar makes, on the same JSON round trip: refuse to publish what it would refuse.
    parseProxyConfig({ version: 'check', node: placeholderNode, services: JSON.parse(json) as unknown });
    this.encodes++;
    let gz: Buffer | undefined;
    return Object.freeze({ hash, json, jsonBytes: Buffer.byteLength(json), gzip: () => (gz ??= gzipSync(json, { level: 6 })) });
  }

  private touch(entry: { services: readonly Service[]; encoded: EncodedServices }): EncodedServices {
    this.entries = [entry, ...this.entries.filter((e) => e !== entry && e.services !== entry.services)].slice(0, this.capacity);
    return entry.encoded;
  }
}
