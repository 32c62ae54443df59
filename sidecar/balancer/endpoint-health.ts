/** What the sidecar knows about each endpoint's health, as the admin server's /config shows it. */
import type { EndpointSets } from './endpoint-set.js';

export interface EndpointHealth {
  /** address:port */
  endpoint: string;
  ready: boolean;
  ejected: boolean;
  /** Milliseconds of the current ejection left; 0 when not ejected. */
  ejectedForMs: number;
  /** Ejections so far (each one lasts longer). */
  ejections: number;
  /** Back from an ejection and not yet proven healthy. */
  probation: boolean;
  consecutiveFailures: number;
  /** The balancer's share of recent tries that failed, 0..1. */
  failureShare: number;
  /** The balancer's latency estimate in ms, null before a first response. */
  latencyMs: number | null;
  inFlight: number;
}

/** Per service port (`namespace/name:port`), its endpoints' health as of monotonic `now`. */
export function endpointHealth(sets: EndpointSets, now: number): Record<string, EndpointHealth[]> {
  const out: Record<string, EndpointHealth[]> = {};
  const round = (n: number): number => Math.round(n * 1000) / 1000;
  for (const [key, set] of sets.entries()) {
    out[key] = set.all().map((e) => {
      const latency = e.currentLatency(now);
      return {
        endpoint: e.key,
        ready: e.endpoint.ready,
        ejected: e.isEjected(now),
        ejectedForMs: Math.max(0, e.ejectedUntil - now),
        ejections: e.ejections,
        probation: e.probation,
        consecutiveFailures: e.consecutiveFailures,
        failureShare: round(e.failureShare(now)),
        latencyMs: latency === undefined ? null : round(latency),
        inFlight: e.inFlight,
      };
    });
  }
  return out;
}
