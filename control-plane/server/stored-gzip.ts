/**
 * A gzip member holding its data uncompressed (deflate "stored" blocks, RFC 1951 3.2.4): for the
 * few hundred bytes of a proxy's own part of the document, where creating a zlib stream per proxy
 * costs more than the bytes it would save.
 */
import { crc32 } from 'node:zlib';

/** Largest stored block: its length field is 16 bits. */
const maxBlock = 0xffff;
/** Magic, deflate, no flags, no mtime, no extra flags, OS unknown. */
const header = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);

export function storedGzipMember(text: string): Buffer {
  const data = Buffer.from(text, 'utf8');
  const blocks = Math.max(1, Math.ceil(data.length / maxBlock));
  const out = Buffer.alloc(header.length + blocks * 5 + data.length + 8);
  header.copy(out, 0);
  let at = header.length;
  for (let b = 0; b < blocks; b++) {
    const chunk = data.subarray(b * maxBlock, (b + 1) * maxBlock);
    out[at] = b === blocks - 1 ? 1 : 0;
    out.writeUInt16LE(chunk.length, at + 1);
    out.writeUInt16LE(~chunk.length & 0xffff, at + 3);
    at += 5;
    at += chunk.copy(out, at);
  }
  out.writeUInt32LE(crc32(data) >>> 0, at);
  out.writeUInt32LE(data.length >>> 0, at + 4);
  return out;
}
