/** HTTP/2 (h2c) client sessions, one multiplexed session per endpoint; requests are balanced per stream. */
import { connect, type ClientHttp2Session } from 'node:http2';
import { ErrorCodes, WeftError } from '../../common/errors.js';
import type { Clock } from '../../common/clock.js';
import { formatAuthority } from '../routing/authority.js';

/** An idle session (no streams) is closed after this long. */
const idleSessionMs = 60_000;

export class Http2Pool {
  private readonly sessions = new Map<string, ClientHttp2Session>();
  /** Why a session failed, for its streams' errors (they report only a cancel). */
  private readonly failures = new WeakMap<ClientHttp2Session, unknown>();

  constructor(private readonly clock: Clock) {}

  /** True when the endpoint has a live session, so a request to it opens no new connection. */
  has(address: string, port: number): boolean {
    const existing = this.sessions.get(`${address}:${port}`);
    return existing !== undefined && !existing.closed && !existing.destroyed;
  }

  /** The live session to an endpoint, connecting when there is none; fails CONNECT_TIMEOUT after `connectMs`. */
  session(address: string, port: number, connectMs: number): ClientHttp2Session {
    const key = `${address}:${port}`;
    if (this.has(address, port)) return this.sessions.get(key)!;
    const session = connect(`http://${formatAuthority(address, port)}`);
    this.sessions.set(key, session);
    const forget = (): void => {
      if (this.sessions.get(key) === session) this.sessions.delete(key);
    };
    session.on('error', (err) => {
      this.failures.set(session, err);
      forget();
    });
    session.on('goaway', forget);
    session.on('close', forget);
    session.setTimeout(idleSessionMs, () => session.close());
    if (connectMs > 0) {
      const timer = this.clock.setTimeout(() => {
        if (!session.connecting) return;
        forget();
        session.destroy(new WeftError(ErrorCodes.CONNECT_TIMEOUT, `connect to ${key} took longer than ${connectMs} ms`));
      }, connectMs);
      session.once('connect', () => timer.cancel());
      session.once('close', () => timer.cancel());
    }
    return session;
  }

  /** The error a session failed with (connect refused, connect timeout), once it has. */
  failureOf(session: ClientHttp2Session): unknown {
    return this.failures.get(session);
  }

  /** Sessions to endpoints that left the config go away gracefully (GOAWAY lets their streams finish). */
  retain(keep: Set<string>): void {
    for (const [key, session] of this.sessions) {
      if (keep.has(key)) continue;
      this.sessions.delete(key);
      session.close();
    }
  }

  openSessions(): number {
    return this.sessions.size;
  }

  close(): void {
    for (const session of this.sessions.values()) session.destroy();
    this.sessions.clear();
  }
}
