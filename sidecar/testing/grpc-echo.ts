/** A real gRPC server and client (@grpc/grpc-js) for the echo.proto test service. */
import { EventEmitter, once } from 'node:events';
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
  Collect(cb: (err: grpc.ServiceError | null, reply?: EchoReply) => void): grpc.ClientWritableStream<EchoRequest>;
}

const definition = protoLoader.loadSync(fileURLToPath(new URL('./echo.proto', import.meta.url)), { keepCase: false });
const pkg = grpc.loadPackageDefinition(definition) as unknown as {
  weft: { test: { Echo: grpc.ServiceClientConstructor & { service: grpc.ServiceDefinition } } };
};
const Echo = pkg.weft.test.Echo;

export interface GrpcEchoServer {
  port: number;
  /** Calls started, of every method. */
  calls: number;
  /** Calls the client (or a proxy on its behalf) cancelled. */
  cancelled: number;
  /** The text of every Unary request, in arrival order. */
  unaryTexts: string[];
  /** Resolves when the next call starts (its handler runs). */
  nextCall(): Promise<void>;
  /** Resolves at the next call the client cancels. */
  nextCancel(): Promise<void>;
  /** Reset every open call at once (RST_STREAM), as a crashing server would. */
  kill(): void;
  close(): Promise<void>;
}

export interface EchoBehaviour {
  /**
   * The gRPC status to fail call `n` (1-based, counted over all methods) with, or undefined to
   * answer it: Unary fails at once, Collect after reading the whole request stream, Chat at its
   * first message before any reply (all trailers-only).
   */
  failCall?: (n: number) => number | undefined;
}

const failure = (code: number): grpc.ServiceError => Object.assign(new Error(`failing with ${code}`), { code, details: `failing with ${code}`, metadata: new grpc.Metadata() });

/**
 * `failCode` in a request makes the server answer that gRPC status instead (in Chat: end the call
 * with it after the replies so far, so the status comes in trailers).
 */
export async function startGrpcEcho(name: string, behaviour: EchoBehaviour = {}): Promise<GrpcEchoServer> {
  const server = new grpc.Server();
  const state = { calls: 0, cancelled: 0, unaryTexts: [] as string[] };
  const events = new EventEmitter();
  const start = (call: { on(event: 'cancelled', fn: () => void): unknown }): number | undefined => {
    state.calls++;
    events.emit('call');
    call.on('cancelled', () => {
      state.cancelled++;
      events.emit('cancelled');
    });
    return behaviour.failCall?.(state.calls);
  };
  server.addService(Echo.service, {
    Unary: (call: grpc.ServerUnaryCall<EchoRequest, EchoReply>, cb: grpc.sendUnaryData<EchoReply>) => {
      state.unaryTexts.push(call.request.text);
      const fail = start(call) ?? call.request.failCode;
      if (fail) return cb(failure(fail));
      const meta = new grpc.Metadata();
      meta.set('x-served-by', name);
      call.sendMetadata(meta);
      cb(null, { text: call.request.text, server: name });
    },
    Chat: (call: grpc.ServerDuplexStream<EchoRequest, EchoReply>) => {
      const fail = start(call);
      call.on('data', (req: EchoRequest) => {
        const code = fail ?? req.failCode;
        if (code) call.emit('error', failure(code));
        else call.write({ text: req.text.toUpperCase(), server: name });
      });
      call.on('end', () => call.end());
    },
    Collect: (call: grpc.ServerReadableStream<EchoRequest, EchoReply>, cb: grpc.sendUnaryData<EchoReply>) => {
      const fail = start(call);
      const texts: string[] = [];
      call.on('data', (req: EchoRequest) => texts.push(req.text));
      call.on('end', () => (fail ? cb(failure(fail)) : cb(null, { text: texts.join(''), server: name })));
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
    get cancelled() {
      return state.cancelled;
    },
    unaryTexts: state.unaryTexts,
    nextCall: () => once(events, 'call').then(() => undefined),
    nextCancel: () => once(events, 'cancelled').then(() => undefined),
    kill: () => server.forceShutdown(),
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
