/** A real gRPC server and client (@grpc/grpc-js) for the echo.proto test service. */
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

interface EchoRequest {
  text: string;
  failCode?: number;
}
interface EchoReply {
  text: string;
  server: string;
}

type Unary = (req: EchoRequest, metadata: grpc.Metadata, cb: (err: grpc.ServiceError | null, reply?: EchoReply) => void) => grpc.ClientUnaryCall;
export interface EchoClient extends grpc.Client {
  Unary: Unary;
  Chat(metadata?: grpc.Metadata): grpc.ClientDuplexStream<EchoRequest, EchoReply>;
}

const definition = protoLoader.loadSync(fileURLToPath(new URL('./echo.proto', import.meta.url)), { keepCase: false });
const pkg = grpc.loadPackageDefinition(definition) as unknown as {
  weft: { test: { Echo: grpc.ServiceClientConstructor & { service: grpc.ServiceDefinition } } };
};
const Echo = pkg.weft.test.Echo;

export interface GrpcEchoServer {
  port: number;
  calls: number;
  close(): Promise<void>;
}

/** `failCode` in a request makes the server answer that gRPC status instead. */
export async function startGrpcEcho(name: string): Promise<GrpcEchoServer> {
  const server = new grpc.Server();
  const state = { calls: 0 };
  server.addService(Echo.service, {
    Unary: (call: grpc.ServerUnaryCall<EchoRequest, EchoReply>, cb: grpc.sendUnaryData<EchoReply>) => {
      state.calls++;
      if (call.request.failCode) return cb({ code: call.request.failCode, details: `failing with ${call.request.failCode}` });
      const meta = new grpc.Metadata();
      meta.set('x-served-by', name);
      call.sendMetadata(meta);
      cb(null, { text: call.request.text, server: name });
    },
    Chat: (call: grpc.ServerDuplexStream<EchoRequest, EchoReply>) => {
      state.calls++;
      call.on('data', (req: EchoRequest) => call.write({ text: req.text.toUpperCase(), server: name }));
      call.on('end', () => call.end());
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return {
    port,
    get calls() {
      return state.calls;
    },
    close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())).then(() => server.forceShutdown()),
  };
}

/** A client that connects to `proxyPort` but addresses `authority` (what the sidecar routes on). */
export function echoClient(proxyPort: number, authority: string): EchoClient {
  return new Echo(`127.0.0.1:${proxyPort}`, grpc.credentials.createInsecure(), { 'grpc.default_authority': authority }) as unknown as EchoClient;
}

export function unary(client: EchoClient, req: EchoRequest): Promise<{ reply: EchoReply; metadata: grpc.Metadata }> {
  return new Promise((resolve, reject) => {
    let metadata = new grpc.Metadata();
    const call = client.Unary(req, new grpc.Metadata(), (err, reply) => (err ? reject(err) : resolve({ reply: reply!, metadata })));
    call.on('metadata', (m: grpc.Metadata) => (metadata = m));
  });
}

export { grpc };
