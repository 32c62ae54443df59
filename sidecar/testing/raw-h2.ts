/**
 * A raw HTTP/2 client for tests of what node:http2's own client will not send: header values with
 * CR/LF/NUL, more streams than the server allows. Frames are written by hand (HPACK literals
 * without indexing or Huffman coding) and the server's frames are read back by type.
 */
import { connect } from 'node:net';

export const frameType = { DATA: 0, HEADERS: 1, RST_STREAM: 3, SETTINGS: 4, GOAWAY: 7 } as const;
export const h2Error = { NO_ERROR: 0, PROTOCOL_ERROR: 1, REFUSED_STREAM: 7 } as const;

export interface Frame {
  type: number;
  flags: number;
  stream: number;
  payload: Buffer;
}

const preface = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');

function frame(type: number, flags: number, stream: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(9);
  head.writeUIntBE(payload.length, 0, 3);
  head[3] = type;
  head[4] = flags;
  head.writeUInt32BE(stream, 5);
  return Buffer.concat([head, payload]);
}

/** One literal header field without indexing and with a literal name (lengths under 127). */
function literal(name: string, value: string): Buffer {
  const n = Buffer.from(name, 'latin1');
  const v = Buffer.from(value, 'latin1');
  return Buffer.concat([Buffer.from([0, n.length]), n, Buffer.from([v.length]), v]);
}

/** A HEADERS frame (END_HEADERS | END_STREAM) for a request on `stream`. */
/** A SETTINGS frame with the ACK flag: acknowledges the server's settings (nghttp2 applies them on it). */
export const settingsAck = (): Buffer => frame(frameType.SETTINGS, 0x1, 0, Buffer.alloc(0));

export function requestFrame(stream: number, headers: [string, string][]): Buffer {
  return frame(frameType.HEADERS, 0x4 | 0x1, stream, Buffer.concat(headers.map(([n, v]) => literal(n, v))));
}

export function getHeaders(authority: string, path = '/', extra: [string, string][] = []): [string, string][] {
  return [[':method', 'GET'], [':scheme', 'http'], [':path', path], [':authority', authority], ...extra];
}

/**
 * Opens a connection, sends the preface and an empty SETTINGS (never acknowledging the server's),
 * then `frames`; collects the server's frames until it closes or `until` returns true (or 5 s).
 */
export function rawH2(port: number, frames: Buffer[], until: (received: Frame[]) => boolean): Promise<Frame[]> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const received: Frame[] = [];
    let buffered = Buffer.alloc(0);
    const timer = setTimeout(() => socket.destroy(), 5_000);
    socket.on('connect', () => socket.write(Buffer.concat([preface, frame(frameType.SETTINGS, 0, 0, Buffer.alloc(0)), ...frames])));
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 9 && buffered.length >= 9 + buffered.readUIntBE(0, 3)) {
        const length = buffered.readUIntBE(0, 3);
        received.push({ type: buffered[3]!, flags: buffered[4]!, stream: buffered.readUInt32BE(5) & 0x7fffffff, payload: buffered.subarray(9, 9 + length) });
        buffered = buffered.subarray(9 + length);
      }
      if (until(received)) socket.destroy();
    });
    socket.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' ? undefined : reject(err)));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(received);
    });
  });
}

/** The error code of the RST_STREAM the server sent on `stream`, if it sent one. */
export function resetCode(frames: Frame[], stream: number): number | undefined {
  const rst = frames.find((f) => f.type === frameType.RST_STREAM && f.stream === stream);
  return rst?.payload.readUInt32BE(0);
}
