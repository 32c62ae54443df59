/** Runs one request through the pipeline of the config current when it arrived, with its own context. */
import type { Clock } from '../../common/clock.js';
import type { ProtocolLimits } from '../../common/config/types.js';
import type { Logger } from '../../common/log.js';
import type { Destination } from '../interception/original-destination.js';
import type { RequestAbort } from '../pipeline/request-abort.js';
import type { Handler, ProxyRequest, ProxyResponse, RequestContext } from '../pipeline/types.js';

/** What a listener needs from one config: the assembled pipeline and the protocol limits. */
export interface PipelineSnapshot {
  handler: Handler;
  limits: ProtocolLimits;
  /** Request bytes kept for retries and mirrors (the largest retry body bound of the config). */
  replayLimit: number;
}

export interface FrontendOptions {
  direction: 'inbound' | 'outbound';
  clock: Clock;
  log: Logger;
  /** The current snapshot, or undefined before the first config. */
  current(): PipelineSnapshot | undefined;
  /** True once drain started: responses close their connections. */
  draining(): boolean;
}

/**
 * The context of one request. `id` is the request id the tracing layer forwards and the error
 * responses carry: the caller's valid x-request-id, or a new one, made once per request.
 * `original` is the connection's original destination, under interception; `peerAddress` the
 * address the client connected from.
 */
export function newContext(options: FrontendOptions, abort: RequestAbort, id: string, original?: Destination, peerAddress?: string): RequestContext {
  return new FrontendContext(id, options, abort, original, peerAddress);
}

/** A class rather than a literal so that `signal` is a getter on the prototype, made on first use. */
class FrontendContext implements RequestContext {
  readonly direction: 'inbound' | 'outbound';
  readonly clock: Clock;
  readonly log: Logger;
  target?: RequestContext['target'];
  endpoint?: RequestContext['endpoint'];
  attempt = 0;
  deadline?: number;
  stats: RequestContext['stats'];
  trace?: RequestContext['trace'];

  constructor(
    readonly id: string,
    options: FrontendOptions,
    readonly requestAbort: RequestAbort,
    readonly originalDestination: Destination | undefined,
    readonly peerAddress: string | undefined,
  ) {
    this.direction = options.direction;
    this.clock = options.clock;
    this.log = options.log;
    this.stats = { retries: 0, startedAt: options.clock.now() };
  }

  get signal(): AbortSignal {
    return this.requestAbort.signal;
  }
}

export function runPipeline(snapshot: PipelineSnapshot, req: ProxyRequest, ctx: RequestContext): Promise<ProxyResponse> {
  try {
    return snapshot.handler(req, ctx);
  } catch (err) {
    return Promise.reject(err);
  }
}
