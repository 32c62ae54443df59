/**
 * Protocol sniffing on the first bytes of a connection: the HTTP/2 connection preface, an HTTP/1.x
 * request line, or anything else (TCP pass-through). Bytes read are put back for the next owner.
 */
import type { Socket } from 'node:net';
import type { Clock } from '../../common/clock.js';

export type Sniffed = 'http1' | 'http2' | 'tcp';

const preface = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
/** The longest method token weft waits for before calling a connection not-HTTP. */
const maxMethodLength = 20;

/** The protocol of a connection's first bytes, or undefined when more bytes are needed to tell. */
export function classify(data: Buffer): Sniffed | undefined {
  const n = Math.min(data.length, preface.length);
  if (data.subarray(0, n).equals(preface.subarray(0, n))) return data.length >= preface.length ? 'http2' : undefined;
  // An HTTP/1.x request line starts with a method token (uppercase letters here) and a space.
  for (let i = 0; i < data.length && i <= maxMethodLength; i++) {
    const c = data[i]!;
    if (c === 0x20) return i > 0 ? 'http1' : 'tcp';
    if (c < 0x41 || c > 0x5a) return 'tcp';
  }
  return data.length > maxMethodLength ? 'tcp' : undefined;
}

/**
 * Waits for enough bytes to classify the connection. A client that sends nothing for `silentMs`
 * may be speaking a server-first protocol (MySQL, SMTP): that is 'tcp' when `silentMs` > 0.
 * Resolves undefined when the connection closes first.
 */
export function sniff(socket: Socket, clock: Clock, silentMs: number): Promise<Sniffed | undefined> {
  return new Promise((resolve) => {
    let seen: Buffer = Buffer.alloc(0);
    const timer = silentMs > 0 ? clock.setTimeout(() => finish(seen.length === 0 ? 'tcp' : classify(seen) ?? 'tcp'), silentMs) : undefined;
    const onData = (chunk: Buffer): void => {
      seen = seen.length ? Buffer.concat([seen, chunk]) : chunk;
      const kind = classify(seen);
      if (kind) finish(kind);
    };
    const onClose = (): void => finish(undefined);
    const finish = (kind: Sniffed | undefined): void => {
      timer?.cancel();
      socket.removeListener('data', onData);
      socket.removeListener('end', onClose);
      socket.removeListener('close', onClose);
      socket.pause();
      if (seen.length) socket.unshift(seen);
      resolve(kind);
    };
    socket.on('data', onData);
    socket.once('end', onClose);
    socket.once('close', onClose);
  });
}
