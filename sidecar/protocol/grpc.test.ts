import { describe, expect, it } from 'vitest';
import type { Sidecar } from '../sidecar.js';
import { testConfig } from '../testing/config.js';
import { echoClient, grpc, startGrpcEcho, unary } from '../testing/grpc-echo.js';
import { useHarness } from '../testing/harness.js';

const h = useHarness();

/** A client-side sidecar whose `echo:50051` service is the server-side sidecar's inbound listener, which delivers to the gRPC server. */
async function meshPair(): Promise<{ client: Sidecar; server: Sidecar; calls: () => number }> {
  const app = await h.own(startGrpcEcho('echo-1'));
  const server = await h.sidecar(testConfig({ node: { workload: 'echo', namespace: 'default' }, inbound: [{ port: 50051, appPort: app.port, protocol: 'grpc' }] }));
  const client = await h.sidecar(
    testConfig({
      services: [{ name: 'echo', namespace: 'default', ports: [{ port: 50051, protocol: 'grpc', endpoints: [{ address: '127.0.0.1', port: server.addresses().inbound.port }] }] }],
    }),
  );
  return { client, server, calls: () => app.calls };
}

describe('gRPC through an outbound -> inbound sidecar pair', () => {
  it('unary calls with metadata, and a server status error passes through unchanged', async () => {
    const { client } = await meshPair();
    const c = echoClient(client.addresses().outbound.port, 'echo:50051');
    h.defer(() => c.close());
    const { reply, metadata } = await unary(c, { text: 'hi' });
    expect(reply).toEqual({ text: 'hi', server: 'echo-1' });
    expect(metadata.get('x-served-by')).toEqual(['echo-1']);
    await expect(unary(c, { text: 'x', failCode: grpc.status.NOT_FOUND })).rejects.toMatchObject({ code: grpc.status.NOT_FOUND, details: 'failing with 5' });
  });

  it('bidirectional streaming', async () => {
    const { client } = await meshPair();
    const c = echoClient(client.addresses().outbound.port, 'echo.default.svc.cluster.local:50051');
    h.defer(() => c.close());
    const call = c.Chat();
    const replies: string[] = [];
    const ended = new Promise<void>((resolve, reject) => {
      call.on('data', (r: { text: string }) => {
        replies.push(r.text);
        // Answer-driven: the next message goes only after the previous reply came back through both sidecars.
        if (replies.length < 3) call.write({ text: `msg${replies.length + 1}` });
        else call.end();
      });
      call.on('end', () => resolve());
      call.on('error', reject);
    });
    call.write({ text: 'msg1' });
    await ended;
    expect(replies).toEqual(['MSG1', 'MSG2', 'MSG3']);
  });

  it('a proxy-generated error is a gRPC status (UNAVAILABLE, trailers-only), not a bare HTTP 503', async () => {
    const client = await h.sidecar(testConfig({ services: [{ name: 'echo', namespace: 'default', ports: [{ port: 50051, protocol: 'grpc', endpoints: [] }] }] }));
    const c = echoClient(client.addresses().outbound.port, 'echo:50051');
    h.defer(() => c.close());
    const err = await unary(c, { text: 'x' }).catch((e: grpc.ServiceError) => e);
    expect(err).toMatchObject({ code: grpc.status.UNAVAILABLE });
    expect((err as grpc.ServiceError).metadata.get('x-weft-error')).toEqual(['WEFT_NO_HEALTHY_ENDPOINT']);
  });
});
