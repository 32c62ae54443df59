/**
 * Where a request to a destination the config does not know may go: only to the original
 * destination of its connection (where the app was connecting before interception redirected it),
 * never to a name or address the request itself carries, and only when the outbound policy allows it.
 */
import { ErrorCodes, WeftError } from '../../common/errors.js';
import type { OutboundTrafficPolicy } from '../../common/config/types.js';
import type { Endpoint } from '../../common/config/types.js';
import type { Destination } from '../interception/original-destination.js';

/** What happened to a request for an unknown destination, as the metric counts it. */
export type PassthroughOutcome = 'forwarded' | 'refused_registry_only' | 'refused_no_original_destination' | 'refused_absolute_form' | 'refused_loop';

export interface PassthroughInput {
  policy: OutboundTrafficPolicy;
  /** The connection's original destination; undefined outside interception. */
  original: Destination | undefined;
  /** The request named its target in absolute form (`GET http://host/ HTTP/1.1`). */
  absoluteForm: boolean;
  /** The authority the request named, for the error message only. */
  authority: string;
  /** True when address:port is one of this proxy's own listeners. */
  isOwnListener: (address: string, port: number) => boolean;
}

export type PassthroughDecision = { outcome: 'forwarded'; endpoint: Endpoint } | { outcome: Exclude<PassthroughOutcome, 'forwarded'>; error: WeftError };

export function decidePassthrough(input: PassthroughInput): PassthroughDecision {
  const refuse = (outcome: Exclude<PassthroughOutcome, 'forwarded'>, why: string): PassthroughDecision => ({
    outcome,
    error: new WeftError(outcome === 'refused_loop' ? ErrorCodes.LOOP_DETECTED : ErrorCodes.UNKNOWN_DESTINATION, `${input.authority || '(no authority)'}: ${why}`),
  });
  // An HTTP-proxy style request names where to go; a known service is the only such name weft follows.
  if (input.absoluteForm) return refuse('refused_absolute_form', 'not a known service (absolute-form requests are only routed to known services)');
  if (input.policy === 'registry-only') return refuse('refused_registry_only', 'not a known service (outbound traffic policy registry-only)');
  const original = input.original;
  if (!original) return refuse('refused_no_original_destination', 'not a known service, and the connection has no original destination to pass it through to');
  if (input.isOwnListener(original.address, original.port)) return refuse('refused_loop', "the connection's original destination is this proxy's own listener");
  return { outcome: 'forwarded', endpoint: { address: original.address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, ''), port: original.port, weight: 1, ready: true } };
}
