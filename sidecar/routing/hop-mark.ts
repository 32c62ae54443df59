/**
 * The loop guard's second line: each proxy stamps the outbound requests it forwards to services of
 * the mesh with a mark of its own and refuses an outbound request that already carries it (requests
 * passed through to an original destination outside the mesh are not stamped, so no mark leaves it). Whatever path brought a request
 * back (a config endpoint that is the proxy itself, an address spelling the first guard missed), the
 * second arrival ends there with 508 instead of opening one more connection to itself.
 */
import { randomBytes } from 'node:crypto';
import { ErrorCodes, WeftError } from '../../common/errors.js';
import type { Headers } from '../pipeline/types.js';

export const hopMarkHeader = 'x-weft-hop';

/** A mark for one proxy: random, so two proxies (or two sidecars in one test process) never share one. */
export function newHopMark(): string {
  return randomBytes(8).toString('hex');
}

/** Throws WEFT_LOOP_DETECTED when `headers` already carry `mark`. */
export function refuseOwnHop(headers: Headers, mark: string): void {
  const seen = headers[hopMarkHeader];
  if (seen !== undefined && marksOf(seen).includes(mark)) throw new WeftError(ErrorCodes.LOOP_DETECTED, 'this request already passed through this proxy (a forwarding loop)');
}

/** Appends `mark` to the marks `headers` carry (a request to a service of the mesh). */
export function stampHop(headers: Headers, mark: string): void {
  const seen = headers[hopMarkHeader];
  headers[hopMarkHeader] = seen === undefined ? mark : [...marksOf(seen), mark].join(', ');
}

function marksOf(value: string | string[]): string[] {
  return (Array.isArray(value) ? value : [value]).flatMap((v) => v.split(',')).map((v) => v.trim());
}

/** Inbound: marks are about outbound loops, so they stop at the pod; the app never sees or forwards them. */
export function dropHopMarks(headers: Headers): void {
  if (headers[hopMarkHeader] !== undefined) delete headers[hopMarkHeader];
}
