/** Counts a listener's open connections and in-flight exchanges, so drain knows when it is done. */
import type { Duplex } from 'node:stream';

export class Tracker {
  readonly sockets = new Set<Duplex>();
  private inflight = 0;
  private waiters: (() => void)[] = [];

  /** `onConnections(+1 | -1)` as connections open and close (the open-connections gauge). */
  constructor(private readonly onConnections: (delta: number) => void = () => undefined) {}

  addSocket(socket: Duplex): void {
    this.sockets.add(socket);
    this.onConnections(1);
    socket.once('close', () => {
      this.sockets.delete(socket);
      this.onConnections(-1);
      this.wake();
    });
  }

  /** Marks one exchange (request or tunnel) as started; call the returned function once when it ends. */
  begin(): () => void {
    this.inflight++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.inflight--;
      this.wake();
    };
  }

  get active(): number {
    return this.inflight;
  }

  /** Resolves once no exchange is in flight. */
  idle(): Promise<void> {
    if (this.inflight === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  destroyAll(): void {
    for (const s of this.sockets) s.destroy();
  }

  private wake(): void {
    if (this.inflight !== 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
