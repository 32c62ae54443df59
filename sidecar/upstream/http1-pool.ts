/**
 * HTTP/1.1 keep-alive connection pools, one undici Pool per endpoint, kept across config updates.
 * undici over node:http's Agent: about a third less CPU per request (docs/decisions/0600).
 */
import { Pool } from './undici-pool.js';
import { formatAuthority } from '../routing/authority.js';

/** Idle keep-alive connections close after this long, under common server keep-alive timeouts (5 s in Node). */
const idleSocketMs = 4_000;

export class Http1Pool {
  private readonly pools = new Map<string, { pool: Pool; endpoint: string }>();

  /**
   * The pool of an endpoint; `connectMs` and `maxConnections` (0 = no limit) are part of the key, as
   * undici fixes them per pool. The cap makes a request wait for a connection the service's slot
   * limit just freed (connection-limit.ts) rather than race undici into opening another.
   */
  poolFor(address: string, port: number, connectMs: number, maxConnections = 0): Pool {
    const endpoint = `${address}:${port}`;
    const key = `${endpoint}/${connectMs}/${maxConnections}`;
    let entry = this.pools.get(key);
    if (!entry) {
      const pool = new Pool(`http://${formatAuthority(address, port)}`, {
        keepAliveTimeout: idleSocketMs,
        keepAliveMaxTimeout: idleSocketMs,
        // Timeouts are the policy layers' (on the injected clock); undici's own would cut streams.
        headersTimeout: 0,
        bodyTimeout: 0,
        connect: { timeout: connectMs > 0 ? connectMs : undefined, noDelay: true },
        pipelining: 1,
        connections: maxConnections > 0 ? maxConnections : null,
      });
      entry = { pool, endpoint };
      this.pools.set(key, entry);
    }
    return entry.pool;
  }

  /** Open connections across all endpoints, for tests and metrics. */
  openSockets(): number {
    let n = 0;
    for (const { pool } of this.pools.values()) n += pool.stats.connected;
    return n;
  }

  /** Endpoints that left the config: close their idle connections now and the busy ones when their request ends. */
  retain(keep: Set<string>): void {
    for (const [key, { pool, endpoint }] of this.pools) {
      if (keep.has(endpoint)) continue;
      this.pools.delete(key);
      pool.close().catch(() => undefined);
    }
  }

  close(): void {
    for (const { pool } of this.pools.values()) pool.destroy().catch(() => undefined);
    this.pools.clear();
  }
}
