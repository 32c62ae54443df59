/**
 * What the sidecar knows about one endpoint (address:port) of a service port: requests in flight,
 * peak-EWMA latency, and outlier-ejection state. It outlives config updates that keep the endpoint,
 * and requests that started on it keep a reference after it is removed, so they finish cleanly.
 */
import type { Endpoint } from '../../common/config/types.js';
import type { FailureWindow } from './failure-rate.js';

/** How fast old latency observations fade: after this long, one carries 1/e of its weight. */
export const latencyDecayMs = 10_000;

/** Weight of one try in the failure share: three failures in a row take it from 0 to about 0.66. */
const failureWeight = 0.3;

export function endpointKey(e: Pick<Endpoint, 'address' | 'port'>): string {
  return e.address.includes(':') ? `[${e.address}]:${e.port}` : `${e.address}:${e.port}`;
}

export class EndpointState {
  readonly key: string;
  /** The endpoint as the latest config describes it (weight, readiness, labels). */
  endpoint: Endpoint;
  inFlight = 0;
  /** Peak-EWMA of response latency in ms; undefined until a first response. */
  latencyMs: number | undefined;
  private latencyAt = 0;
  /** Share of recent tries that failed, per try (0..1); fades with time like the latency. */
  private failures = 0;
  private failuresAt = 0;
  /** Failures in a row since the last success (outlier detection). */
  consecutiveFailures = 0;
  /** How many times this endpoint was ejected; each ejection lasts longer. */
  ejections = 0;
  /** Ejected until this monotonic time; 0 when never ejected. */
  ejectedUntil = 0;
  /** Back from an ejection and not yet proven healthy: one failure re-ejects. */
  probation = false;
  /** Tries and failures in the failure-rate window (outlier detection), while that is enabled. */
  failureWindow: FailureWindow | undefined;
  /** No longer in the config: takes no new requests, finishes what it has. */
  removed = false;

  constructor(endpoint: Endpoint) {
    this.endpoint = endpoint;
    this.key = endpointKey(endpoint);
  }

  get weight(): number {
    return Math.max(0, this.endpoint.weight);
  }

  isEjected(now: number): boolean {
    return this.ejectedUntil > now;
  }

  /**
   * Peak-sensitive EWMA: a slower observation is taken at once (a degrading endpoint is noticed
   * on the first slow response), faster ones are blended in with a weight that grows with the time
   * since the last observation, so the estimate is per time, not per request.
   */
  observeLatency(ms: number, now: number): void {
    if (this.latencyMs === undefined || ms >= this.latencyMs) {
      this.latencyMs = ms;
    } else {
      const keep = Math.exp(-Math.max(0, now - this.latencyAt) / latencyDecayMs);
      this.latencyMs = this.latencyMs * keep + ms * (1 - keep);
    }
    this.latencyAt = now;
  }

  /**
   * The latency estimate as of `now`: it fades towards zero while nothing refreshes it, at the same
   * rate observations fade. Without this, an endpoint whose estimate is the worst (one slow first
   * response, a failure penalty) loses every P2C draw, is never tried again and starves while it
   * may long have recovered; fading makes it worth one request again, which re-measures it.
   */
  currentLatency(now: number): number | undefined {
    if (this.latencyMs === undefined) return undefined;
    return this.latencyMs * Math.exp(-Math.max(0, now - this.latencyAt) / latencyDecayMs);
  }

  /**
   * Count one try's outcome in the failure share: an EWMA per try (not per time, so a fast-failing
   * endpoint is noticed within a few tries at any request rate).
   */
  observeOutcome(failed: boolean, now: number): void {
    const share = this.failureShare(now);
    this.failures = share + failureWeight * ((failed ? 1 : 0) - share);
    this.failuresAt = now;
  }

  /**
   * The failure share as of `now`: it fades towards zero while no try refreshes it, so an endpoint
   * that lost every draw after its failures is tried again and re-measured.
   */
  failureShare(now: number): number {
    if (this.failures === 0) return 0;
    return this.failures * Math.exp(-Math.max(0, now - this.failuresAt) / latencyDecayMs);
  }
}
