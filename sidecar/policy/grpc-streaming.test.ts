/**
 * Client-streaming and bidirectional gRPC calls through real sidecar pairs (grpc-js on both ends):
 * which failures are retried (only a request stream that ended within the retry buffer), and
 * cancellations in both directions.
 */
import { describe, expect, it } from 'vitest';
import { grpc, type EchoClient } from '../testing/grpc-echo.js';
import { grpcMesh } from '../testing/grpc-mesh.js';
import { useHarness } from '../testing/harness.js';

const h = useHarness();
const unavailable = (): number => grpc.status.UNAVAILABLE;
/** Round robin starts at the first endpoint, so the first try of a test's first call goes to replica 1. */
const policy = {
  loadBalancer: { algorithm: 'round-robin' },
  retries: { attempts: 2, retryNonIdempotent: true, grpcStatusCodes: ['UNAVAILABLE'], maxBodyBytes: 1024, backoff: { base: '1ms', max: '2ms' } },
};
const kib = 'x'.repeat(600);

/** A client-streaming call sending `texts`, then half-closing; its reply text or its error code. */
function collect(client: EchoClient, texts: string[]): Promise<{ text?: string; code: number }> {
  return new Promise((resolve) => {
    const call = client.Collect((err, reply) => resolve(err ? { code: err.code } : { code: grpc.status.OK, text: reply!.text }));
    for (const text of texts) call.write({ text });
    call.end();
  });
}

/** Reads a bidirectional call's replies until it ends; the replies and the final status code. */
function replies(call: grpc.ClientDuplexStream<{ text: string }, { text: string }>, onReply?: (n: number) => void): Promise<{ texts: string[]; code: number }> {
  return new Promise((resolve) => {
    const texts: string[] = [];
    call.on('data', (r: { text: string }) => {
      texts.push(r.text);
      onReply?.(texts.length);
    });
    call.on('error', (err: grpc.ServiceError) => resolve({ texts, code: err.code }));
    call.on('end', () => resolve({ texts, code: grpc.status.OK }));
  });
}

describe('gRPC streaming through sidecar pairs', () => {
  it('retries a client stream that ended within the retry buffer on another replica', async () => {
    const mesh = await grpcMesh(h, [{ failCall: unavailable }, {}], policy);
    expect(await collect(mesh.channel(), ['a', 'b', 'c'])).toEqual({ code: grpc.status.OK, text: 'abc' });
    expect(mesh.apps.map((a) => a.calls)).toEqual([1, 1]);
    expect(await mesh.metric('weft_retries_total')).toBe(1);
  });

  it('never retries a client stream that went beyond the retry buffer', async () => {
    const mesh = await grpcMesh(h, [{ failCall: unavailable }, {}], policy);
    expect(await collect(mesh.channel(), [kib, kib, kib])).toEqual({ code: grpc.status.UNAVAILABLE });
    expect(mesh.apps.map((a) => a.calls)).toEqual([1, 0]);
    expect(await mesh.metric('weft_retries_total')).toBe(0);
    expect(await mesh.metric('weft_try_failures_total', { cause: 'grpc:UNAVAILABLE' })).toBe(1);
  });

  it('never retries a bidirectional call past the retry buffer; its status in trailers counts as a failed try', async () => {
    const mesh = await grpcMesh(h, [{}, {}], policy);
    const call = mesh.channel().Chat();
    // Answer-driven: each message goes after the previous reply came back through both sidecars.
    const done = replies(call, (n) => (n < 3 ? call.write({ text: kib }) : call.write({ text: 'fail', failCode: grpc.status.UNAVAILABLE })));
    call.write({ text: kib });
    const { texts, code } = await done;
    expect(texts).toEqual([kib.toUpperCase(), kib.toUpperCase(), kib.toUpperCase()]);
    expect(code).toBe(grpc.status.UNAVAILABLE);
    expect(mesh.apps.map((a) => a.calls)).toEqual([1, 0]);
    expect(await mesh.metric('weft_retries_total')).toBe(0);
    expect(await mesh.metric('weft_try_failures_total', { cause: 'grpc:UNAVAILABLE' })).toBe(1);
  });

  it('does not retry a bidirectional call failed before any reply while the client is still sending', async () => {
    const mesh = await grpcMesh(h, [{ failCall: unavailable }, {}], policy);
    const call = mesh.channel().Chat();
    const done = replies(call);
    call.write({ text: 'first' }); // and no end: the request stream is still open, so it cannot be replayed
    expect(await done).toEqual({ texts: [], code: grpc.status.UNAVAILABLE });
    expect(mesh.apps.map((a) => a.calls)).toEqual([1, 0]);
    expect(await mesh.metric('weft_retries_total')).toBe(0);
  });

  it("passes a client's cancel of a bidirectional call to the server, and counts it as nobody's failure", async () => {
    const mesh = await grpcMesh(h, [{}, {}], policy);
    const call = mesh.channel().Chat();
    const cancelled = mesh.apps[0]!.nextCancel();
    const done = replies(call, () => call.cancel());
    call.write({ text: 'hello' });
    expect(await done).toEqual({ texts: ['HELLO'], code: grpc.status.CANCELLED });
    await cancelled;
    expect(mesh.apps[0]!.cancelled).toBe(1);
    expect(await mesh.metric('weft_try_failures_total')).toBe(0);
    expect(await mesh.metric('weft_retries_total')).toBe(0);
  });

  it("passes a client's cancel of a client stream to the server", async () => {
    const mesh = await grpcMesh(h, [{}, {}], policy);
    const started = mesh.apps[0]!.nextCall();
    const cancelled = mesh.apps[0]!.nextCancel();
    let cancel = (): void => undefined;
    const result = new Promise<number>((resolve) => {
      const call = mesh.channel().Collect((err) => resolve(err ? err.code : grpc.status.OK));
      cancel = () => call.cancel();
      call.write({ text: kib });
    });
    await started; // the call reached the server through both sidecars, its request stream still open
    cancel();
    await cancelled;
    expect(await result).toBe(grpc.status.CANCELLED);
    expect(mesh.apps[1]!.calls).toBe(0);
    expect(await mesh.metric('weft_try_failures_total')).toBe(0);
  });

  it("passes a server's reset of a bidirectional call to the client as an error, not a clean end, and does not retry it", async () => {
    const mesh = await grpcMesh(h, [{}, {}], policy);
    const call = mesh.channel().Chat();
    const done = replies(call, () => mesh.apps[0]!.kill());
    call.write({ text: 'hello' });
    const { texts, code } = await done;
    expect(texts).toEqual(['HELLO']);
    expect(code).not.toBe(grpc.status.OK);
    expect(mesh.apps[1]!.calls).toBe(0);
    expect(await mesh.metric('weft_retries_total')).toBe(0);
  });
});
