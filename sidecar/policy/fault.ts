/**
 * Fault injection for chaos testing: delays a share of requests (on the clock, cut short when the
 * client goes away or the deadline passes) and aborts a share with the configured status
 * (FAULT_INJECTED). Delay first, then abort, so both can hit one request.
 */
import type { FaultPolicy } from '../../common/config/types.js';
import { ErrorCodes, WeftError } from '../../common/errors.js';
import type { Random } from '../../common/random.js';
import type { Handler, Layer, ProxyRequest, ProxyResponse, RequestContext } from '../pipeline/types.js';
import type { Selector } from './policy-selectors.js';

export interface FaultEvents {
  faultInjected?(ctx: RequestContext, kind: 'delay' | 'abort'): void;
}

export interface FaultOptions {
  /** e.g. `faultOf` from policy-selectors.ts. */
  fault: Selector<FaultPolicy>;
  random: Random;
  events?: FaultEvents;
}

/** `faultLayer({ fault: faultOf, random })`: inside the request timeout, so an injected delay can time out. */
export function faultLayer(options: FaultOptions): Layer {
  return (next) => (req, ctx) => {
    const fault = options.fault(ctx);
    // No policy: a plain call, no async frame (most services have no fault injection).
    return fault ? inject(fault, next, req, ctx) : next(req, ctx);
  };

  async function inject(fault: FaultPolicy, next: Handler, req: ProxyRequest, ctx: RequestContext): Promise<ProxyResponse> {
    if (fault.delay && hit(fault.delay.percent, options.random)) {
      options.events?.faultInjected?.(ctx, 'delay');
      await ctx.clock.sleep(fault.delay.durationMs, ctx.signal);
    }
    if (fault.abort && hit(fault.abort.percent, options.random)) {
      options.events?.faultInjected?.(ctx, 'abort');
      ctx.stats.errorCode = ErrorCodes.FAULT_INJECTED;
      throw new WeftError(ErrorCodes.FAULT_INJECTED, `fault injection aborted the request with ${fault.abort.status}`, {
        status: fault.abort.status,
      });
    }
    return next(req, ctx);
  }
}

function hit(percent: number, random: Random): boolean {
  return percent > 0 && random() * 100 < percent;
}
