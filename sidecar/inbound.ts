/**
 * The inbound request path (mesh -> local app), assembled in one place. Inbound traffic goes to
 * one of the pod's own ports, so there is no routing or balancing, only delivery.
 */
import type { InboundPort, ProxyConfig } from '../common/config/types.js';
import { ErrorCodes, WeftError } from '../common/errors.js';
import { appAddressFor, type AppAddress } from './interception/inbound-app.js';
import { parseAuthority } from './routing/authority.js';
import { dropHopMarks } from './routing/hop-mark.js';
import { forwarder } from './upstream/forwarder.js';
import type { PipelineState } from './outbound.js';
import { compose, type Handler, type Layer, type RequestContext, type RequestHead } from './pipeline/types.js';

export function inboundPipeline(config: ProxyConfig, state: PipelineState): Handler {
  // Under interception the connection's original destination names the app port; otherwise the authority does.
  const portFor = (req: RequestHead, ctx: RequestContext): AppAddress | undefined => {
    const original = ctx.originalDestination;
    if (original) return appAddressFor(config.inbound, original, state.isOwnListener);
    const port = inboundPortFor(config.inbound, req.authority);
    return port && { address: port.appAddress, port: port.appPort, protocol: port.protocol };
  };
  return compose(
    [
      // 1. Metrics, tracing headers and the access log, as on the outbound side.
      ...state.observe(config),
      // Insertion point: authorization of the caller's identity, once mTLS identities exist.
      // 2. Deliver to the local app port the caller addressed (never to the sidecar's own listeners).
      deliverToApp(portFor, state.isOwnListener),
    ],
    // 3. Send it over a keep-alive pool / HTTP/2 session to the app, in the app port's protocol.
    forwarder({ http1: state.http1, http2: state.http2, events: state.forwardEvents, connections: state.connections, protocolFor: (req, ctx) => portFor(req, ctx)?.protocol }),
  );
}

function deliverToApp(portFor: (req: RequestHead, ctx: RequestContext) => AppAddress | undefined, isOwnListener: PipelineState['isOwnListener']): Layer {
  return (next) => async (req, ctx) => {
    const port = portFor(req, ctx);
    if (!port) throw new WeftError(ErrorCodes.NO_ROUTE, `no inbound port for ${req.authority}`);
    // Hop marks stop here, so an app port that is the sidecar's own listener is caught by address.
    if (isOwnListener(port.address, port.port)) throw new WeftError(ErrorCodes.LOOP_DETECTED, `inbound delivery to ${port.address}:${port.port} would reach this proxy's own listener`);
    dropHopMarks(req.headers);
    ctx.endpoint = { address: port.address, port: port.port, weight: 1, ready: true };
    return next(req, ctx);
  };
}

/**
 * Without the original destination (SO_ORIGINAL_DST, docs/decisions/0201), the port comes from the
 * authority the caller used; a pod with a single inbound port of that kind takes everything.
 */
export function inboundPortFor(ports: readonly InboundPort[], authority: string): InboundPort | undefined {
  const port = parseAuthority(authority)?.port;
  const http = ports.filter((p) => p.protocol !== 'tcp');
  return http.find((p) => p.port === port) ?? (http.length === 1 ? http[0] : undefined);
}
