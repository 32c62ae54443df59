import type { OutlierPolicy, ProtocolLimits, RetryPolicy, TimeoutPolicy, TrafficPolicy } from './types.js';

/** Defaults a production mesh user would expect when a field is left out. */
export const defaultTimeouts: TimeoutPolicy = { connectMs: 1000, requestMs: 15_000, perTryMs: 0, idleMs: 300_000 };

export const defaultRetries: RetryPolicy = {
  attempts: 2,
  on: ['connect-failure', 'reset', 'gateway-error'],
  statusCodes: [],
  grpcStatusCodes: ['UNAVAILABLE'],
  backoff: { baseMs: 25, maxMs: 250 },
  budget: { ratio: 0.2, minPerSecond: 10, windowMs: 10_000 },
  retryNonIdempotent: false,
  maxBodyBytes: 64 * 1024,
};

export const defaultOutlier: OutlierPolicy = {
  consecutiveFailures: 5,
  // The statuses that say the server itself failed (what HTTP would answer with a 5xx); statuses
  // about the request or the caller (NOT_FOUND, RESOURCE_EXHAUSTED quotas, ...) are answers.
  grpcFailureCodes: ['UNAVAILABLE', 'INTERNAL', 'UNKNOWN', 'DATA_LOSS', 'DEADLINE_EXCEEDED'],
  // Off: a failure rate every endpoint shares (a broken dependency) would eject healthy capacity.
  failureRate: { percent: 0, minRequests: 20, windowMs: 10_000 },
  baseEjectionMs: 30_000,
  maxEjectionMs: 300_000,
  maxEjectionPercent: 50,
};

export const defaultTrafficPolicy: TrafficPolicy = {
  loadBalancer: { algorithm: 'p2c-ewma' },
  timeouts: defaultTimeouts,
  retries: defaultRetries,
  outlierDetection: defaultOutlier,
  connectionLimits: { maxConnections: 0, maxPendingRequests: 0, maxRequests: 0 },
};

export const defaultLimits: ProtocolLimits = {
  maxHeaderBytes: 16 * 1024,
  maxRequestBodyBytes: 0,
  headersTimeoutMs: 10_000,
  drainMs: 5_000,
  maxConcurrentStreams: 256,
};

/** Destinations the config does not know are refused unless a config opts into allow-any (decision 0204). */
export const defaultOutboundTrafficPolicy = 'registry-only' as const;

export const defaultPorts = { outbound: 15001, inbound: 15006, admin: 15000 } as const;

/** The UID the sidecar image runs as: weft-init exempts its traffic, the injector runs the proxy as it. */
export const defaultProxyUid = 1337;
