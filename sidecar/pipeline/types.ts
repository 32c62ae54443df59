/**
 * The contract every data-plane layer is written against. A request travels through a chain of
 * Layers, each `(next) => handler`, assembled in one place (sidecar/outbound.ts and
 * inbound.ts). A layer that ends a request throws a WeftError (common/errors.ts); the listener turns
 * that into a response with the error's status and an `x-weft-error: <code>` header.
 */
import type { Duplex, Readable } from 'node:stream';
import type { Clock } from '../../common/clock.js';
import type { Logger } from '../../common/log.js';
import type { Endpoint, Protocol, Route, Service } from '../../common/config/types.js';
import type { Destination } from '../interception/original-destination.js';
import type { TraceContext } from './trace-context.js';
import type { RequestAbort } from './request-abort.js';

/** Header names are lowercase; hop-by-hop headers and HTTP/2 pseudo-headers are never in here. */
export type Headers = Record<string, string | string[]>;

export interface RequestHead {
  method: string;
  /** host[:port] as the client addressed it (Host or :authority). */
  authority: string;
  /** Path and query, as received. */
  path: string;
  headers: Headers;
  /** HTTP/1.1 absolute-form (`GET http://host/x`): the authority came from the request target. */
  absoluteForm?: boolean;
}

/**
 * A request body that can be read more than once while it stays under a bound: the first read
 * streams the client's bytes through while keeping a copy; a retry replays the copy. Once more than
 * `limit` bytes have passed, `replayable` turns false and the body cannot be retried.
 */
export interface RequestBody {
  /** A fresh stream of the body: the live one the first time, the recorded copy after. */
  open(): Readable;
  /** True while the whole body seen so far fits the bound and the client finished sending it. */
  readonly replayable: boolean;
  /** True when the request has no body at all (GET without content). */
  readonly empty: boolean;
}

export interface ProxyRequest extends RequestHead {
  protocol: 'http1' | 'http2';
  body: RequestBody;
  /** The protocol an HTTP/1.1 Upgrade asks for (e.g. "websocket"); the Upgrade header itself is hop-by-hop. */
  upgrade?: string;
}

export interface ProxyResponse {
  status: number;
  headers: Headers;
  body: Readable;
  /** HTTP/2 trailers (gRPC status lives here); resolves when the body ends. */
  trailers?: Promise<Headers>;
  /** Set on a 101 answer to `upgrade`: the upstream connection, and bytes it sent after the 101. */
  upgraded?: { socket: Duplex; head: Buffer };
}

/** Where a request is going, filled in by the routing step before the policy layers run. */
export interface Target {
  service: Service;
  port: number;
  protocol: Protocol;
  route?: Route;
}

/** Per-request state shared along the chain. Layers read what they need and record what they did. */
export interface RequestContext {
  readonly id: string;
  readonly direction: 'inbound' | 'outbound';
  readonly clock: Clock;
  readonly log: Logger;
  /** Aborts when the downstream client goes away or the request deadline passes. */
  readonly signal: AbortSignal;
  /**
   * What `signal` follows, on the frontend's own context: the request timeout aborts it instead of
   * deriving a second signal, and the HTTP/1.1 forwarder gives it to undici, so a request that no
   * layer asks `signal` of never makes one. Absent on derived contexts (a per-try timeout's child).
   */
  readonly requestAbort?: RequestAbort;
  /**
   * The original destination of the client's connection (where it was going before iptables
   * redirected it to the sidecar, WEFT_INTERCEPTION=iptables): the only place a request for a
   * destination the config does not know may be passed through to. Undefined otherwise.
   */
  readonly originalDestination?: Destination;
  /** The address the client connected from (the calling pod's IP, for an inbound request). */
  readonly peerAddress?: string;
  /** Set by routing. */
  target?: Target;
  /** Set by the balancer for the current try. */
  endpoint?: Endpoint;
  /** 0 for the first try, 1.. for retries. */
  attempt: number;
  /** Endpoints (address:port) earlier tries of this request went to; set by the retry layer when it retries. */
  triedEndpoints?: string[];
  /** Monotonic deadline (clock.now() based) for the whole request, when one applies. */
  deadline?: number;
  /** What happened, for metrics and access logs. */
  stats: RequestStats;
  /** Set by the tracing layer: request id and this hop's span, for access logs and span export. */
  trace?: TraceContext;
}

export interface RequestStats {
  retries: number;
  /** Stable error code of the failure that ended or retried the request, if any. */
  errorCode?: string;
  /** Upstream address:port of the last try. */
  upstream?: string;
  startedAt: number;
}

export type Handler = (req: ProxyRequest, ctx: RequestContext) => Promise<ProxyResponse>;
export type Layer = (next: Handler) => Handler;

/** Compose layers so that the first one listed is the outermost. */
export function compose(layers: Layer[], terminal: Handler): Handler {
  return layers.reduceRight<Handler>((next, layer) => layer(next), terminal);
}
