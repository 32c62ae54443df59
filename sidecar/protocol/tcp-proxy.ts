/** TCP pass-through: bytes flow both ways untouched, half-closes included, until either side closes. */
import { connect, type Socket } from 'node:net';
import type { Clock } from '../../common/clock.js';

export interface TcpDestination {
  address: string;
  port: number;
  connectMs: number;
  /** Silence both ways for this long closes both sides; 0 or absent means none. */
  idleMs?: number;
  /** Called when the idle timeout closed the tunnel (the timeouts metric). */
  onIdle?: () => void;
}

/** Splices `client` to a new connection to `to`; resolves when both sides are closed. */
export function tunnel(client: Socket, to: TcpDestination, clock: Clock): Promise<void> {
  return new Promise((resolve) => {
    const upstream = connect({ host: to.address, port: to.port, allowHalfOpen: true, noDelay: true });
    const timer = to.connectMs > 0 ? clock.setTimeout(() => upstream.destroy(), to.connectMs) : undefined;
    upstream.once('connect', () => {
      timer?.cancel();
      // The upstream socket sees every byte of both directions, so its timer is the tunnel's.
      if (to.idleMs) {
        upstream.setTimeout(to.idleMs, () => {
          to.onIdle?.();
          destroyBoth();
        });
      }
    });
    let closed = 0;
    const onClose = (): void => {
      if (++closed === 2) resolve();
    };
    const destroyBoth = (): void => {
      timer?.cancel();
      client.destroy();
      upstream.destroy();
    };
    upstream.on('error', destroyBoth);
    client.on('error', destroyBoth);
    upstream.once('close', () => {
      // An upstream that never connected: the client gets a closed connection, nothing half-open.
      if (!client.destroyed && !client.writableEnded) client.end();
      onClose();
    });
    client.once('close', () => {
      upstream.destroy();
      onClose();
    });
    upstream.pipe(client);
    client.pipe(upstream);
    client.resume();
  });
}
