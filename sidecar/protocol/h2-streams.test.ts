import { connect, constants, type ClientHttp2Session, type ClientHttp2Stream, type ServerHttp2Stream } from 'node:http2';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { testConfig } from '../testing/config.js';
import { startH2Upstream } from '../testing/h2-upstream.js';
import { useHarness } from '../testing/harness.js';
import type { Sidecar } from '../sidecar.js';

const h = useHarness();
const MiB = 1024 * 1024;

/** A sidecar whose `big:80` (HTTP/2) is one upstream answering with `onStream`. */
async function through(onStream: (stream: ServerHttp2Stream) => void): Promise<{ s: Sidecar; session: ClientHttp2Session }> {
  const up = await h.own(startH2Upstream('up', (stream) => onStream(stream)));
  const s = await h.sidecar(
    testConfig({ services: [{ name: 'big', namespace: 'default', ports: [{ port: 80, protocol: 'http2', endpoints: [{ address: '127.0.0.1', port: up.port }] }] }] }),
  );
  const session = connect(`http://127.0.0.1:${s.addresses().outbound.port}`);
  session.on('error', () => undefined);
  h.defer(() => session.destroy());
  return { s, session };
}

const post = (session: ClientHttp2Session): ClientHttp2Stream => session.request({ ':method': 'POST', ':path': '/', ':authority': 'big' });

function collect(stream: ClientHttp2Stream): Promise<{ body: Buffer; trailers: Record<string, unknown> }> {
  const chunks: Buffer[] = [];
  let trailers: Record<string, unknown> = {};
  stream.on('trailers', (t) => (trailers = t));
  stream.on('data', (c: Buffer) => chunks.push(c));
  return once(stream, 'end').then(() => ({ body: Buffer.concat(chunks), trailers }));
}

/** Every byte of a patterned buffer, so reordering or loss shows. */
const pattern = (n: number): Buffer => Buffer.from(Array.from({ length: n }, (_, i) => i % 251));

describe('HTTP/2 bodies and resets through the sidecar', () => {
  it('echoes a 4 MiB request body back intact, trailers after it', async () => {
    const { session } = await through((stream) => {
      stream.respond({ ':status': 200 }, { waitForTrailers: true });
      stream.once('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
      stream.pipe(stream);
    });
    const req = post(session);
    const sent = pattern(4 * MiB);
    req.end(sent);
    const { body, trailers } = await collect(req);
    expect(body.equals(sent)).toBe(true);
    expect(trailers['grpc-status']).toBe('0');
  });

  it('holds a fast upstream back while the client does not read (flow control end to end), then delivers all of it', async () => {
    const total = 8 * MiB;
    let written = 0;
    const { session } = await through((stream) => {
      stream.respond({ ':status': 200 });
      const chunk = pattern(64 * 1024);
      const more = (): void => {
        while (written < total) {
          written += chunk.length;
          if (!stream.write(chunk)) return void stream.once('drain', more);
        }
        stream.end();
      };
      more();
    });
    const req = post(session);
    req.end();
    await once(req, 'response');
    req.pause();
    // Let the windows and buffers fill, until the upstream stops getting to write.
    let last = -1;
    while (written !== last) {
      last = written;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(written).toBeLessThan(total / 2);
    req.resume();
    const { body } = await collect(req);
    expect(body.length).toBe(total);
  });

  it("passes the client's RST_STREAM (cancel) on to the upstream stream", async () => {
    let upstream: ServerHttp2Stream | undefined;
    const upstreamClosed = new Promise<number>((resolve) => {
      void through((stream) => {
        upstream = stream;
        stream.on('error', () => undefined);
        stream.respond({ ':status': 200 });
        stream.write('first');
        stream.once('close', () => resolve(stream.rstCode));
      }).then(({ session }) => {
        const req = post(session);
        req.on('error', () => undefined);
        req.write('x');
        req.once('data', () => req.close(constants.NGHTTP2_CANCEL));
      });
    });
    expect(await upstreamClosed).toBe(constants.NGHTTP2_CANCEL);
    expect(upstream?.aborted).toBe(true);
  });

  it("passes the upstream's RST_STREAM on to the client: an aborted body, never a clean end", async () => {
    const { session } = await through((stream) => {
      stream.on('error', () => undefined);
      stream.respond({ ':status': 200 });
      // destroy, not close(code): Node's close() ends the writable side first, a clean end on the wire.
      stream.write('partial', () => stream.destroy(new Error('upstream failed')));
    });
    const req = post(session);
    req.end();
    const ended = await new Promise<string>((resolve) => {
      req.on('data', () => undefined);
      req.on('error', () => undefined);
      req.once('end', () => resolve('end'));
      req.once('close', () => resolve(`closed ${req.rstCode}`));
    });
    expect(ended).not.toBe('end');
    expect(req.rstCode).not.toBe(constants.NGHTTP2_NO_ERROR);
  });
});
