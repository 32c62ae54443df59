/**
 * ProxyConfig: the one config model of a weft sidecar. Two sources produce it, the control plane
 * (over gRPC) and a static YAML file, and both go through `parseProxyConfig` (parse.ts), so these
 * types are always validated values with defaults applied. Durations are milliseconds.
 *
 * Each layer of the sidecar takes only its own slice (a RetryPolicy, a TimeoutPolicy, ...).
 */

export type Protocol = 'http' | 'http2' | 'grpc' | 'tcp';

export interface ProxyConfig {
  /** Opaque version of this config (control-plane snapshot version, or a hash of the file). */
  version: string;
  node: NodeIdentity;
  /** DNS suffix of the cluster, used to match `name.ns.svc.<clusterDomain>` hosts. */
  clusterDomain: string;
  listeners: Listeners;
  /** Local application ports that inbound traffic is delivered to. */
  inbound: InboundPort[];
  /** Every service this proxy may send to, keyed by `namespace/name` for lookups. */
  services: Service[];
  /**
   * What happens to outbound traffic for a destination `services` does not know: `registry-only`
   * (the default) refuses it; `allow-any` passes it to the connection's original destination, when
   * interception recorded one. A destination named by the request is never used either way.
   */
  outboundTrafficPolicy: OutboundTrafficPolicy;
  tracing: TracingConfig;
  accessLog: AccessLogConfig;
  limits: ProtocolLimits;
}

export type OutboundTrafficPolicy = 'allow-any' | 'registry-only';

export interface NodeIdentity {
  /** Workload name (Deployment, or the pod name when it has no owner). */
  workload: string;
  namespace: string;
  serviceAccount: string;
  /** Pod name, when known. */
  pod?: string;
}

export interface ListenAddress {
  address: string;
  port: number;
}

export interface Listeners {
  /** app -> mesh; iptables redirects outbound traffic here. */
  outbound: ListenAddress;
  /** mesh -> local app; iptables redirects inbound traffic here. */
  inbound: ListenAddress;
  /** /metrics, /ready, /live, /config, /shutdown */
  admin: ListenAddress;
}

export interface InboundPort {
  /** The port callers addressed (the Service's targetPort on this pod). */
  port: number;
  /** Where the local app listens; usually the same port on 127.0.0.1. */
  appAddress: string;
  appPort: number;
  protocol: Protocol;
}

export interface Service {
  name: string;
  namespace: string;
  /** Cluster IP(s) the app may address directly; empty for headless services. */
  clusterIPs: string[];
  ports: ServicePort[];
  policy: TrafficPolicy;
  /** Routes, tried in order; when none matches (or none is given) traffic goes to this service. */
  routes: Route[];
}

export interface ServicePort {
  port: number;
  name?: string;
  protocol: Protocol;
  endpoints: Endpoint[];
}

export interface Endpoint {
  address: string;
  port: number;
  /** Relative share for weighted balancing (1 by default). */
  weight: number;
  /** Not-ready or terminating endpoints are kept out of balancing (terminating ones finish in-flight work). */
  ready: boolean;
  /** Pod / workload names, for metric labels. */
  pod?: string;
  workload?: string;
  /** SPIFFE identity the endpoint must present under mTLS. */
  identity?: string;
  zone?: string;
}

export interface TrafficPolicy {
  loadBalancer: LoadBalancerPolicy;
  timeouts: TimeoutPolicy;
  retries: RetryPolicy;
  outlierDetection: OutlierPolicy;
  connectionLimits: ConnectionLimits;
  rateLimit?: RateLimitPolicy;
  fault?: FaultPolicy;
}

export type LoadBalancerAlgorithm = 'p2c-ewma' | 'round-robin' | 'random' | 'consistent-hash';

export interface LoadBalancerPolicy {
  algorithm: LoadBalancerAlgorithm;
  /** For consistent-hash: what the hash key is taken from. */
  hashOn?: { header: string } | { cookie: { name: string; ttlMs?: number } };
}

export interface TimeoutPolicy {
  /** TCP (and TLS) connect. */
  connectMs: number;
  /** The whole request across all tries; 0 means none. */
  requestMs: number;
  /** One try; 0 means none (only the request timeout applies). */
  perTryMs: number;
  /** No bytes in either direction for this long closes the stream; 0 means none. */
  idleMs: number;
}

export type RetryOn =
  | '5xx'
  | 'gateway-error'
  | 'connect-failure'
  | 'reset'
  | 'retriable-status-codes';

export interface RetryPolicy {
  /** Retries after the first try (0 disables retrying). */
  attempts: number;
  on: RetryOn[];
  /** Status codes retried when `retriable-status-codes` is in `on`. */
  statusCodes: number[];
  /** gRPC status names retried (e.g. UNAVAILABLE), from the grpc-status of the response. */
  grpcStatusCodes: string[];
  backoff: { baseMs: number; maxMs: number };
  /** Retries may add at most `ratio` of live traffic, plus `minPerSecond`. */
  budget: { ratio: number; minPerSecond: number; windowMs: number };
  /** Retry POST/PATCH and other non-idempotent methods too. */
  retryNonIdempotent: boolean;
  /** Request bodies larger than this are never retried (and never buffered beyond it). */
  maxBodyBytes: number;
}

export interface OutlierPolicy {
  /** Consecutive failures (5xx, connect errors, resets, listed gRPC statuses) that eject an endpoint; 0 disables. */
  consecutiveFailures: number;
  /**
   * gRPC status names (from trailers or a trailers-only response) that count as a failed try, for
   * outlier detection and the balancer alike; any other status is a success.
   */
  grpcFailureCodes: string[];
  /**
   * Eject an endpoint whose failed tries reach `percent` of its tries within `windowMs`, once it
   * had at least `minRequests` there; percent 0 disables (the default).
   */
  failureRate: { percent: number; minRequests: number; windowMs: number };
  /** First ejection lasts this long; each later ejection of the same endpoint grows it. */
  baseEjectionMs: number;
  maxEjectionMs: number;
  /** Never eject more than this share of a service's endpoints. */
  maxEjectionPercent: number;
}

export interface ConnectionLimits {
  /** Open connections to the whole service; 0 means no limit. */
  maxConnections: number;
  /** Requests waiting for a connection; beyond this, fail fast with 503. 0 means no limit. */
  maxPendingRequests: number;
  /** Requests in flight to the service; 0 means no limit. */
  maxRequests: number;
}

export interface RateLimitPolicy {
  requestsPerSecond: number;
  burst: number;
}

export interface FaultPolicy {
  delay?: { percent: number; durationMs: number };
  abort?: { percent: number; status: number };
}

export type PathMatch =
  | { type: 'Exact'; value: string }
  | { type: 'PathPrefix'; value: string }
  | { type: 'RegularExpression'; value: string };

export interface ValueMatch {
  name: string;
  type: 'Exact' | 'RegularExpression';
  value: string;
}

export interface RouteMatch {
  path?: PathMatch;
  method?: string;
  headers: ValueMatch[];
  queryParams: ValueMatch[];
}

export interface BackendRef {
  /** A service in `services`, by name and namespace. */
  name: string;
  namespace: string;
  port: number;
  weight: number;
}

export interface HeaderModifier {
  set: { name: string; value: string }[];
  add: { name: string; value: string }[];
  remove: string[];
}

export interface Route {
  name: string;
  /** A request matches the route when any one of these matches (an empty list matches all). */
  matches: RouteMatch[];
  backends: BackendRef[];
  requestHeaders?: HeaderModifier;
  responseHeaders?: HeaderModifier;
  /** Copy matching requests to another backend, fire and forget; responses are discarded. */
  mirror?: { backend: BackendRef; percent: number };
  /** Overrides of the target service's timeouts for this route. */
  timeouts?: Partial<Pick<TimeoutPolicy, 'requestMs' | 'perTryMs'>>;
  /** Override of the target service's retry policy for this route. */
  retries?: RetryPolicy;
}

export interface TracingConfig {
  /** Share of new traces (no incoming sampling decision) that are sampled, 0..1. */
  samplingRate: number;
  exporter?: {
    kind: 'zipkin' | 'otlp';
    endpoint: string;
    batchSize: number;
    maxQueue: number;
    flushIntervalMs: number;
  };
}

export interface AccessLogConfig {
  enabled: boolean;
  /** Share of requests logged when enabled, 0..1. */
  sampleRate: number;
}

export interface ProtocolLimits {
  maxHeaderBytes: number;
  /** Request bodies larger than this are refused with 413; 0 means no limit. */
  maxRequestBodyBytes: number;
  /** Clients that take longer than this to send their headers are cut off (slowloris). */
  headersTimeoutMs: number;
  /** Grace period for in-flight requests on drain (SIGTERM, /shutdown). */
  drainMs: number;
  /** SETTINGS_MAX_CONCURRENT_STREAMS the HTTP/2 listeners advertise: streams one client connection may have open. */
  maxConcurrentStreams: number;
}
