/** gRPC through the policy layers: grpc-js client -> real listener -> grpc-js servers on loopback. */
import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { httpService, testConfig } from '../testing/config.js';
import { useHarness } from '../testing/harness.js';
import { seededRandom } from '../../common/random.js';
import { metricSum } from '../testing/metric-sum.js';

const h = useHarness();

const bytes = (b: Buffer): Buffer => b;
const echo = {
  Say: {
    path: '/weft.test.Echo/Say',
    requestStream: false,
    responseStream: false,
    requestSerialize: bytes,
    requestDeserialize: bytes,
    responseSerialize: bytes,
    responseDeserialize: bytes,
  },
} satisfies grpc.ServiceDefinition;

/** A gRPC server answering every call with `status` (OK echoes the request). */
async function grpcServer(status: grpc.status): Promise<{ port: number; calls: () => number }> {
  let calls = 0;
  const server = new grpc.Server();
  server.addService(echo, {
    Say: (call: grpc.ServerUnaryCall<Buffer, Buffer>, done: grpc.sendUnaryData<Buffer>) => {
      calls++;
      if (status === grpc.status.OK) done(null, call.request);
      else done({ code: status, details: `failing with ${grpc.status[status]}` });
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  h.defer(() => new Promise<void>((resolve) => server.tryShutdown(() => resolve())));
  return { port, calls: () => calls };
}

function call(proxyPort: number, message: string): Promise<{ code: grpc.status; reply?: string }> {
  const Client = grpc.makeGenericClientConstructor(echo, 'Echo');
  const client = new Client(`127.0.0.1:${proxyPort}`, grpc.credentials.createInsecure(), {
    'grpc.default_authority': 'reviews:80',
    'grpc.enable_retries': 0,
  });
  return new Promise((resolve) => {
    client.makeUnaryRequest<Buffer, Buffer>(echo.Say.path, bytes, bytes, Buffer.from(message), (err, reply) => {
      client.close();
      resolve(err ? { code: err.code } : { code: grpc.status.OK, reply: reply?.toString() });
    });
  });
}

async function proxyTo(ports: number[]) {
  const policy = { loadBalancer: { algorithm: 'round-robin' }, retries: { attempts: 1, retryNonIdempotent: true, backoff: { base: '5ms', max: '5ms' } } };
  const sidecar = await h.sidecar(testConfig({ services: [httpService('reviews', ports, { policy }, 'grpc')] }), { policyRandom: seededRandom(1) });
  return { port: sidecar.addresses().outbound.port, metric: (name: string) => metricSum(sidecar.observability.metrics, name) };
}

describe('gRPC through the policy layers', () => {
  it('retries UNAVAILABLE from a trailers-only response on the next endpoint', async () => {
    const down = await grpcServer(grpc.status.UNAVAILABLE);
    const up = await grpcServer(grpc.status.OK);
    const p = await proxyTo([down.port, up.port]);
    const result = await call(p.port, 'hello');
    expect(result).toEqual({ code: grpc.status.OK, reply: 'hello' });
    expect(down.calls()).toBe(1);
    expect(up.calls()).toBe(1);
    expect(await p.metric('weft_retries_total')).toBe(1);
  });

  it('passes a status that is not listed (NOT_FOUND) straight back', async () => {
    const missing = await grpcServer(grpc.status.NOT_FOUND);
    const up = await grpcServer(grpc.status.OK);
    const p = await proxyTo([missing.port, up.port]);
    expect((await call(p.port, 'x')).code).toBe(grpc.status.NOT_FOUND);
    expect(missing.calls()).toBe(1);
    expect(up.calls()).toBe(0);
  });
});
