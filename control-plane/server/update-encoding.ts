/**
 * A ConfigUpdate (proto/weft/v1/config.proto) written straight into the bytes gRPC sends: the
 * config document's parts (this proxy's gzip member, the shared table's member, the closing one)
 * are copied once, into the message, instead of being joined into a payload and then copied again
 * by the generic protobuf encoder. At 1000 proxies x 37 KiB that is most of a push's copying.
 * Field numbers are the proto's; protobuf lets fields come in any order.
 */
import type * as grpc from '@grpc/grpc-js';

const VERSION = 1;
const NONCE = 2;
const CONFIG_JSON = 3;
const OBSERVED_AT = 4;
const CONFIG_JSON_GZIP = 5;
const LENGTH_DELIMITED = 2;
const VARINT = 0;

/** The update's fields, with the document as the parts to concatenate. */
export interface UpdateParts {
  version: string;
  nonce: string;
  /** Either the plain JSON document, or the gzip members that make it up. */
  configJson?: string;
  gzipParts?: readonly Buffer[];
  observedAtUnixMs: number;
}

function varintLength(n: number): number {
  let len = 1;
  while (n >= 128) {
    n = Math.floor(n / 128);
    len++;
  }
  return len;
}

function writeVarint(buf: Buffer, at: number, n: number): number {
  while (n >= 128) {
    buf[at++] = (n % 128) | 128;
    n = Math.floor(n / 128);
  }
  buf[at++] = n;
  return at;
}

export function encodeUpdate(u: UpdateParts): Buffer {
  const strings: [number, Buffer][] = [
    [VERSION, Buffer.from(u.version)],
    [NONCE, Buffer.from(u.nonce)],
  ];
  if (u.configJson) strings.push([CONFIG_JSON, Buffer.from(u.configJson)]);
  const gzipLength = (u.gzipParts ?? []).reduce((a, p) => a + p.length, 0);
  const observed = Math.max(0, Math.round(u.observedAtUnixMs));
  let size = strings.reduce((a, [, b]) => a + 1 + varintLength(b.length) + b.length, 0);
  if (gzipLength > 0) size += 1 + varintLength(gzipLength) + gzipLength;
  if (observed > 0) size += 1 + varintLength(observed);
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (const [field, bytes] of strings) {
    out[at++] = (field << 3) | LENGTH_DELIMITED;
    at = writeVarint(out, at, bytes.length);
    at += bytes.copy(out, at);
  }
  if (gzipLength > 0) {
    out[at++] = (CONFIG_JSON_GZIP << 3) | LENGTH_DELIMITED;
    at = writeVarint(out, at, gzipLength);
    for (const part of u.gzipParts ?? []) at += part.copy(out, at);
  }
  if (observed > 0) {
    out[at++] = (OBSERVED_AT << 3) | VARINT;
    at = writeVarint(out, at, observed);
  }
  return out;
}

/**
 * The service definition with a response serializer that passes already-encoded updates through
 * and encodes anything else as before.
 */
export function withPreEncodedResponses(service: grpc.ServiceDefinition): grpc.ServiceDefinition {
  const out: Record<string, grpc.MethodDefinition<unknown, unknown>> = {};
  for (const [name, method] of Object.entries(service)) {
    const serialize = method.responseSerialize;
    out[name] = { ...method, responseSerialize: (value: unknown) => (Buffer.isBuffer(value) ? value : serialize(value)) };
  }
  return out as grpc.ServiceDefinition;
}
