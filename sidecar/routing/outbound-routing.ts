/**
 * The outbound routing step: Host/:authority -> service -> route -> weighted backend, with the
 * route's header changes and mirror. Fills `ctx.target`; a destination the config does not know
 * goes to the connection's original destination when the outbound policy allows it
 * (`ctx.endpoint`), else is refused (passthrough.ts). Every request routed to a service carries this
 * proxy's hop mark, and one that comes back with it is refused (hop-mark.ts).
 */
import { ErrorCodes, WeftError } from '../../common/errors.js';
import type { ProxyConfig } from '../../common/config/types.js';
import type { Layer, Target } from '../pipeline/types.js';
import { parseAuthority } from './authority.js';
import { applyHeaderModifier } from './header-modifier.js';
import { findRoute } from './match.js';
import { sendMirror } from './mirror.js';
import { ServiceIndex } from './service-index.js';
import type { Random } from '../../common/random.js';
import { pickWeighted } from './weighted.js';
import { refuseOwnHop, stampHop } from './hop-mark.js';
import { decidePassthrough, type PassthroughOutcome } from './passthrough.js';

export interface OutboundRoutingOptions {
  config: Pick<ProxyConfig, 'services' | 'node' | 'clusterDomain' | 'outboundTrafficPolicy'>;
  /** True when address:port is one of this proxy's own listeners (own-address.ts): passing through to it would loop. */
  isOwnListener: (address: string, port: number) => boolean;
  /** This proxy's hop mark (hop-mark.ts). */
  hopMark: string;
  /** Told what became of each request for a destination the config does not know (the metric). */
  onPassthrough?: (outcome: PassthroughOutcome) => void;
  random?: Random;
}

export function outboundRouting(options: OutboundRoutingOptions): Layer {
  const index = new ServiceIndex(options.config);
  const random = options.random ?? Math.random;
  const policy = options.config.outboundTrafficPolicy;

  return (next) => async (req, ctx) => {
    refuseOwnHop(req.headers, options.hopMark);
    const authority = parseAuthority(req.authority);
    if (!authority) throw new WeftError(ErrorCodes.BAD_REQUEST, `invalid authority "${req.authority}"`);
    const match = index.resolve(authority);
    if (!match) {
      const decision = decidePassthrough({ policy, original: ctx.originalDestination, absoluteForm: req.absoluteForm === true, authority: req.authority, isOwnListener: options.isOwnListener });
      options.onPassthrough?.(decision.outcome);
      if (decision.outcome !== 'forwarded') throw decision.error;
      ctx.endpoint = decision.endpoint;
      return next(req, ctx);
    }
    stampHop(req.headers, options.hopMark);

    const route = findRoute(match.service.routes, req);
    let target: Target = { service: match.service, port: match.port.port, protocol: match.port.protocol };
    if (route) {
      const backend = pickWeighted(route.backends, random);
      const service = backend && index.get(backend.namespace, backend.name);
      const port = service?.ports.find((p) => p.port === backend?.port);
      // parseProxyConfig checks backend references, so this only fails on a hand-built config.
      if (!service || !port) throw new WeftError(ErrorCodes.NO_ROUTE, `route ${route.name} has no usable backend`);
      target = { service, port: port.port, protocol: port.protocol, route };
    }
    ctx.target = target;
    const routed = route?.requestHeaders ? { ...req, headers: applyHeaderModifier(req.headers, route.requestHeaders) } : req;

    const response = next(routed, ctx);
    const mirror = route?.mirror;
    if (mirror && random() * 100 < mirror.percent) {
      const service = index.get(mirror.backend.namespace, mirror.backend.name);
      const port = service?.ports.find((p) => p.port === mirror.backend.port);
      if (service && port) sendMirror(next, routed, ctx, { service, port: port.port, protocol: port.protocol, route }, response);
    }
    const res = await response;
    return route?.responseHeaders ? { ...res, headers: applyHeaderModifier(res.headers, route.responseHeaders) } : res;
  };
}
