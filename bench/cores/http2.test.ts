import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { echoClient, grpc, startGrpcEcho, unary, type GrpcEchoServer } from '../../sidecar/testing/grpc-echo.js';
import { serveHttp2Core, type ServedHttp2Core } from './http2.js';

describe('the HTTP/2 forwarding core', () => {
  let app: GrpcEchoServer;
  let core: ServedHttp2Core;

  beforeAll(async () => {
    app = await startGrpcEcho('echo-1');
    core = await serveHttp2Core({ host: '127.0.0.1', port: app.port });
  });
  afterAll(async () => {
    await core?.close();
    await app?.close();
  });

  it('forwards unary calls with metadata, and a gRPC error status in the trailers', async () => {
    const c = echoClient(core.port, 'echo:50051');
    try {
      const { reply, metadata } = await unary(c, { text: 'hi' });
      expect(reply).toEqual({ text: 'hi', server: 'echo-1' });
      expect(metadata.get('x-served-by')).toEqual(['echo-1']);
      await expect(unary(c, { text: 'x', failCode: grpc.status.NOT_FOUND })).rejects.toMatchObject({ code: grpc.status.NOT_FOUND, details: 'failing with 5' });
    } finally {
      c.close();
    }
  });

  it('streams both ways', async () => {
    const c = echoClient(core.port, 'echo:50051');
    try {
      const call = c.Chat();
      const replies: string[] = [];
      await new Promise<void>((resolve, reject) => {
        call.on('data', (r: { text: string }) => {
          replies.push(r.text);
          if (replies.length < 3) call.write({ text: `m${replies.length + 1}` });
          else call.end();
        });
        call.on('end', resolve);
        call.on('error', reject);
        call.write({ text: 'm1' });
      });
      expect(replies).toEqual(['M1', 'M2', 'M3']);
    } finally {
      c.close();
    }
  });

  it('fails a call whose upstream is gone', async () => {
    const gone = await startGrpcEcho('gone');
    await gone.close();
    const lonely = await serveHttp2Core({ host: '127.0.0.1', port: gone.port });
    const c = echoClient(lonely.port, 'echo:50051');
    try {
      const err = await unary(c, { text: 'x' }).catch((e: grpc.ServiceError) => e);
      expect(err).toMatchObject({ code: expect.any(Number) });
      expect((err as grpc.ServiceError).code).not.toBe(grpc.status.OK);
    } finally {
      c.close();
      await lonely.close();
    }
  });
});
