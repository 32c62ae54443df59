/**
 * The outbound routing step: Host/:authority -> service -> route -> weighted backend, with the
 * route's header changes and mirror. Fills `ctx.target`; a destination the config does not know is
 * passed through to where the app sent it (`ctx.endpoint` set to the connection's original
 * destination under interception, else to the authority's host and port).
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

export interface OutboundRoutingOptions {
  config: Pick<ProxyConfig, 'services' | 'node' | 'clusterDomain'>;
  /** The proxy's own bound listeners: passing through to them would loop. */
  self: () => { address: string; port: number }[];
  random?: Random;
}

export function outboundRouting(options: OutboundRoutingOptions): Layer {
  const index = new ServiceIndex(options.config);
  const random = options.random ?? Math.random;
  const loops = (host: string, port: number): boolean =>
    options.self().some((s) => s.port === port && (host === s.address || host === 'localhost' || host === '127.0.0.1' || host === '::1'));

  return (next) => async (req, ctx) => {
    const authority = parseAuthority(req.authority);
    if (!authority) throw new WeftError(ErrorCodes.BAD_REQUEST, `invalid authority "${req.authority}"`);
    const match = index.resolve(authority);
    if (!match) {
      // Under interception an unknown host goes where the app's connection was going, never to a name from the request.
      const original = ctx.originalDestination;
      if (original) {
        ctx.endpoint = { address: original.address, port: original.port, weight: 1, ready: true };
        return next(req, ctx);
      }
      if (loops(authority.host, authority.port)) throw new WeftError(ErrorCodes.NO_ROUTE, `${req.authority} is this proxy's own listener`);
      ctx.endpoint = { address: authority.host, port: authority.port, weight: 1, ready: true };
      return next(req, ctx);
    }

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
