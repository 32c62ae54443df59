/** The inverse of parseProxyConfig: a ProxyConfig written back in the static-file shape, so a pushed config passes the one validator. */
import type {
  BackendRef,
  Endpoint,
  LoadBalancerPolicy,
  ProxyConfig,
  RetryPolicy,
  Route,
  RouteMatch,
  Service,
  TrafficPolicy,
} from './types.js';
import { defaultOutlier } from './defaults.js';
import { isDeepStrictEqual } from 'node:util';

type Doc = Record<string, unknown>;

/** Durations are written as numbers of milliseconds, which the parser accepts. */
export function toDocument(c: ProxyConfig): Doc {
  return {
    version: c.version,
    node: omitUndefined({ ...c.node }),
    clusterDomain: c.clusterDomain,
    listeners: c.listeners,
    inbound: c.inbound,
    services: c.services.map(serviceDoc),
    outboundTrafficPolicy: c.outboundTrafficPolicy,
    tracing: {
      samplingRate: c.tracing.samplingRate,
      exporter: c.tracing.exporter && {
        kind: c.tracing.exporter.kind,
        endpoint: c.tracing.exporter.endpoint,
        batchSize: c.tracing.exporter.batchSize,
        maxQueue: c.tracing.exporter.maxQueue,
        flushInterval: c.tracing.exporter.flushIntervalMs,
      },
    },
    accessLog: c.accessLog,
    limits: {
      maxHeaderBytes: c.limits.maxHeaderBytes,
      maxRequestBodyBytes: c.limits.maxRequestBodyBytes,
      headersTimeout: c.limits.headersTimeoutMs,
      drain: c.limits.drainMs,
      maxConcurrentStreams: c.limits.maxConcurrentStreams,
    },
  };
}

function serviceDoc(s: Service): Doc {
  return {
    name: s.name,
    namespace: s.namespace,
    clusterIPs: s.clusterIPs,
    ports: s.ports.map((p) => omitUndefined({ port: p.port, name: p.name, protocol: p.protocol, endpoints: p.endpoints.map(endpointDoc) })),
    policy: trafficPolicyDocument(s.policy),
    routes: s.routes.map(routeDoc),
  };
}

function endpointDoc(e: Endpoint): Doc {
  return omitUndefined({ ...e });
}

/** A TrafficPolicy in the static-file (and CRD spec) shape. */
export function trafficPolicyDocument(p: TrafficPolicy): Doc {
  const o = p.outlierDetection;
  return omitUndefined({
    loadBalancer: loadBalancerDoc(p.loadBalancer),
    timeouts: { connect: p.timeouts.connectMs, request: p.timeouts.requestMs, perTry: p.timeouts.perTryMs, idle: p.timeouts.idleMs },
    retries: retryDoc(p.retries),
    outlierDetection: {
      consecutiveFailures: o.consecutiveFailures,
      // Left out at their defaults, so a sidecar from before these fields existed (which refuses
      // unknown fields) still accepts configs that do not use them during a rolling upgrade.
      grpcFailureCodes: isDeepStrictEqual(o.grpcFailureCodes, defaultOutlier.grpcFailureCodes) ? undefined : o.grpcFailureCodes,
      failureRate: isDeepStrictEqual(o.failureRate, defaultOutlier.failureRate)
        ? undefined
        : { percent: o.failureRate.percent, minRequests: o.failureRate.minRequests, window: o.failureRate.windowMs },
      baseEjectionTime: o.baseEjectionMs,
      maxEjectionTime: o.maxEjectionMs,
      maxEjectionPercent: o.maxEjectionPercent,
    },
    connectionLimits: p.connectionLimits,
    rateLimit: p.rateLimit,
    fault: p.fault && omitUndefined({
      delay: p.fault.delay && { percent: p.fault.delay.percent, duration: p.fault.delay.durationMs },
      abort: p.fault.abort,
    }),
  });
}

function loadBalancerDoc(lb: LoadBalancerPolicy): Doc {
  if (!lb.hashOn) return { algorithm: lb.algorithm };
  if ('header' in lb.hashOn) return { algorithm: lb.algorithm, hashOn: { header: lb.hashOn.header } };
  return { algorithm: lb.algorithm, hashOn: { cookie: omitUndefined({ name: lb.hashOn.cookie.name, ttl: lb.hashOn.cookie.ttlMs }) } };
}

function retryDoc(r: RetryPolicy): Doc {
  return {
    attempts: r.attempts,
    on: r.on,
    statusCodes: r.statusCodes,
    grpcStatusCodes: r.grpcStatusCodes,
    backoff: { base: r.backoff.baseMs, max: r.backoff.maxMs },
    budget: { ratio: r.budget.ratio, minPerSecond: r.budget.minPerSecond, window: r.budget.windowMs },
    retryNonIdempotent: r.retryNonIdempotent,
    maxBodyBytes: r.maxBodyBytes,
  };
}

function routeDoc(r: Route): Doc {
  return omitUndefined({
    name: r.name,
    matches: r.matches.map(matchDoc),
    backends: r.backends.map(backendDoc),
    requestHeaders: r.requestHeaders,
    responseHeaders: r.responseHeaders,
    mirror: r.mirror && { backend: backendDoc(r.mirror.backend), percent: r.mirror.percent },
    timeouts: r.timeouts && omitUndefined({ request: r.timeouts.requestMs, perTry: r.timeouts.perTryMs }),
    retries: r.retries && retryDoc(r.retries),
  });
}

function matchDoc(m: RouteMatch): Doc {
  return omitUndefined({ path: m.path, method: m.method, headers: m.headers, queryParams: m.queryParams });
}

function backendDoc(b: BackendRef): Doc {
  return { name: b.name, namespace: b.namespace, port: b.port, weight: b.weight };
}

function omitUndefined(o: Doc): Doc {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}
