/**
 * Keeps the sidecar's per-request objects in V8's young generation: allocation-site pretenuring off.
 *
 * V8 watches each object-literal site and, when nearly all its objects survive a scavenge, makes
 * that site allocate straight into the old generation. In a proxy that decision is self-feeding:
 * a per-request object allocated old dies within a millisecond but stays until the next
 * mark-compact, and until then its fields keep the request's young objects alive through every
 * scavenge, so those sites look long-lived too and get pretenured in turn. Under load about a fifth
 * of all allocation was promoted and each scavenge took 6-12 ms instead of about 1
 * (docs/decisions/0261-pretenuring.md). With the heuristic off, objects are promoted only when
 * they really outlive two scavenges.
 */
import { setFlagsFromString } from 'node:v8';

export const noPretenuringFlag = '--no-allocation-site-pretenuring';

/** Call once at start-up, before load: V8 reads the flag at each scavenge's pretenuring decision. */
export function keepRequestObjectsYoung(): void {
  setFlagsFromString(noPretenuringFlag);
}
