/**
 * node:http2 reads a plain socket's handle directly, so bytes sniffing already read (and put back
 * with unshift) would be lost. This Duplex replays them and then relays the socket; http2 wraps it
 * like any JS stream. HTTP/1.1 needs none of this: its server reads the socket's JS buffer first.
 */
import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';

export class ReplaySocket extends Duplex {
  constructor(private readonly socket: Socket) {
    super({ allowHalfOpen: true });
    socket.on('data', (chunk: Buffer) => {
      if (!this.push(chunk)) socket.pause();
    });
    socket.once('end', () => this.push(null));
    socket.once('error', (err) => this.destroy(err));
    socket.once('close', () => this.destroy());
  }

  get remoteAddress(): string | undefined {
    return this.socket.remoteAddress;
  }

  override _read(): void {
    this.socket.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (err?: Error | null) => void): void {
    this.socket.write(chunk, callback);
  }

  override _final(callback: (err?: Error | null) => void): void {
    this.socket.end(callback);
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    this.socket.destroy();
    callback(err);
  }
}
