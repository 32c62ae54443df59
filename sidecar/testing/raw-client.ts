/** Sends raw bytes to a port and collects everything that comes back until the peer closes (or a bound). */
import { connect } from 'node:net';

export interface RawResult {
  text: string;
  /** The status code of the first response line, if any. */
  status?: number;
  /** True when the peer closed the connection (rather than the wait bound ending it). */
  closedByPeer: boolean;
}

export function rawExchange(port: number, data: string | Buffer | (string | Buffer)[], options: { waitMs?: number; endAfterWrite?: boolean } = {}): Promise<RawResult> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    let closedByPeer = false;
    const timer = setTimeout(() => socket.destroy(), options.waitMs ?? 5_000);
    socket.on('connect', () => {
      for (const part of Array.isArray(data) ? data : [data]) socket.write(part);
      if (options.endAfterWrite) socket.end();
    });
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', () => {
      closedByPeer = true;
      socket.end();
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'ECONNRESET') reject(err);
      closedByPeer = true;
    });
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('latin1');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      resolve({ text, status: m ? Number(m[1]) : undefined, closedByPeer });
    });
  });
}
