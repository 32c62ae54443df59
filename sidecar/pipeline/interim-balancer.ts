/**
 * Endpoint choice used until the policy balancer (sidecar/balancer/, P2C-EWMA and friends) is
 * wired in: round robin over the ready endpoints of the target port, per service port.
 */
import { ErrorCodes, WeftError } from '../../common/errors.js';
import type { Layer } from './types.js';

export function interimRoundRobin(): Layer {
  const cursors = new Map<string, number>();
  return (next) => async (req, ctx) => {
    const target = ctx.target;
    if (!target) return next(req, ctx);
    const port = target.service.ports.find((p) => p.port === target.port);
    const ready = port?.endpoints.filter((e) => e.ready && e.weight > 0) ?? [];
    if (ready.length === 0) throw new WeftError(ErrorCodes.NO_HEALTHY_ENDPOINT, `no ready endpoint for ${target.service.namespace}/${target.service.name}:${target.port}`);
    const key = `${target.service.namespace}/${target.service.name}:${target.port}`;
    const n = cursors.get(key) ?? 0;
    cursors.set(key, n + 1);
    ctx.endpoint = ready[n % ready.length];
    return next(req, ctx);
  };
}
