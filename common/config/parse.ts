import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { ConfigError } from '../errors.js';
import { defaultLimits, defaultOutboundTrafficPolicy, defaultPorts, defaultTrafficPolicy } from './defaults.js';
import { grpcErrorNames } from './grpc-status.js';
import { Reader } from './reader.js';
import type {
  BackendRef,
  Endpoint,
  FaultPolicy,
  HeaderModifier,
  InboundPort,
  ListenAddress,
  LoadBalancerPolicy,
  Protocol,
  ProxyConfig,
  RateLimitPolicy,
  RetryOn,
  RetryPolicy,
  Route,
  RouteMatch,
  Service,
  ServicePort,
  TrafficPolicy,
  ValueMatch,
} from './types.js';
import { namespacedKey } from '../keys.js';

const protocols = ['http', 'http2', 'grpc', 'tcp'] as const;
const retryOn = ['5xx', 'gateway-error', 'connect-failure', 'reset', 'retriable-status-codes'] as const;
const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const headerName = /^[!#$%&'*+\-.^_`|~0-9a-zA-Z]+$/;

/**
 * Validate untrusted input (a parsed YAML file or a decoded control-plane message) into a
 * ProxyConfig with defaults applied. Throws ConfigError naming the first offending field.
 */
export function parseProxyConfig(input: unknown): ProxyConfig {
  const r = Reader.root(input);
  const node = r.requiredObject('node');
  const listeners = r.object('listeners');
  const config: ProxyConfig = {
    version: r.has('version') ? String(r.raw('version')) : '',
    node: {
      workload: node.string('workload'),
      namespace: dnsName(node, 'namespace'),
      serviceAccount: node.string('serviceAccount', 'default'),
      pod: node.optionalString('pod'),
    },
    clusterDomain: r.string('clusterDomain', 'cluster.local'),
    listeners: {
      outbound: listenAddress(listeners?.object('outbound'), '127.0.0.1', defaultPorts.outbound),
      inbound: listenAddress(listeners?.object('inbound'), '0.0.0.0', defaultPorts.inbound),
      admin: listenAddress(listeners?.object('admin'), '127.0.0.1', defaultPorts.admin),
    },
    inbound: r.list('inbound').map(inboundPort),
    services: r.list('services').map(service),
    outboundTrafficPolicy: r.oneOf('outboundTrafficPolicy', ['allow-any', 'registry-only'] as const, defaultOutboundTrafficPolicy),
    tracing: tracing(r.object('tracing')),
    accessLog: accessLog(r.object('accessLog')),
    limits: limits(r.object('limits')),
  };
  node.done();
  listeners?.done();
  r.done();
  checkReferences(config);
  if (!config.version) config.version = contentVersion(config);
  return config;
}

function listenAddress(r: Reader | undefined, address: string, port: number): ListenAddress {
  if (!r) return { address, port };
  const out = { address: ipAddress(r, 'address', address), port: r.number('port', { fallback: port, min: 0, max: 65535, integer: true }) };
  r.done();
  return out;
}

function inboundPort(r: Reader): InboundPort {
  const port = r.port('port');
  const out: InboundPort = {
    port,
    appAddress: ipAddress(r, 'appAddress', '127.0.0.1'),
    appPort: r.port('appPort', port),
    protocol: r.oneOf<Protocol>('protocol', protocols, 'http'),
  };
  r.done();
  return out;
}

function service(r: Reader): Service {
  const out: Service = {
    name: dnsName(r, 'name'),
    namespace: dnsName(r, 'namespace'),
    clusterIPs: r.array('clusterIPs').map((_, i) => ipAddressAt(r, `${r.at('clusterIPs')}[${i}]`, r.array('clusterIPs')[i])),
    ports: r.list('ports').map(servicePort),
    policy: trafficPolicy(r.object('policy')),
    routes: r.list('routes').map((route) => parseRoute(route, r.value.namespace as string)),
  };
  if (out.ports.length === 0) throw new ConfigError(r.at('ports'), 'a service needs at least one port');
  const seen = new Set<number>();
  out.ports.forEach((p, i) => {
    if (seen.has(p.port)) throw new ConfigError(`${r.at('ports')}[${i}].port`, `port ${p.port} is listed twice`);
    seen.add(p.port);
  });
  r.done();
  return out;
}

function servicePort(r: Reader): ServicePort {
  const out: ServicePort = {
    port: r.port('port'),
    name: r.optionalString('name'),
    protocol: r.oneOf<Protocol>('protocol', protocols, 'http'),
    endpoints: r.list('endpoints').map(endpoint),
  };
  r.done();
  return out;
}

function endpoint(r: Reader): Endpoint {
  const out: Endpoint = {
    address: ipAddress(r, 'address'),
    port: r.port('port'),
    weight: r.number('weight', { fallback: 1, min: 0, max: 1_000_000 }),
    ready: r.boolean('ready', true),
    pod: r.optionalString('pod'),
    workload: r.optionalString('workload'),
    identity: r.optionalString('identity'),
    zone: r.optionalString('zone'),
  };
  r.done();
  return out;
}

/** A TrafficPolicy; exported for the control plane, which reads the same shape from the CRD spec. */
export function trafficPolicy(r: Reader | undefined, base: TrafficPolicy = defaultTrafficPolicy): TrafficPolicy {
  if (!r) return base;
  const t = r.object('timeouts');
  const c = r.object('connectionLimits');
  const out: TrafficPolicy = {
    loadBalancer: loadBalancer(r.object('loadBalancer'), base.loadBalancer),
    timeouts: t
      ? {
          connectMs: t.duration('connect', base.timeouts.connectMs),
          requestMs: t.duration('request', base.timeouts.requestMs),
          perTryMs: t.duration('perTry', base.timeouts.perTryMs),
          idleMs: t.duration('idle', base.timeouts.idleMs),
        }
      : base.timeouts,
    retries: retries(r.object('retries'), base.retries),
    outlierDetection: outlier(r.object('outlierDetection'), base),
    connectionLimits: c
      ? {
          maxConnections: c.number('maxConnections', { fallback: base.connectionLimits.maxConnections, min: 0, integer: true }),
          maxPendingRequests: c.number('maxPendingRequests', { fallback: base.connectionLimits.maxPendingRequests, min: 0, integer: true }),
          maxRequests: c.number('maxRequests', { fallback: base.connectionLimits.maxRequests, min: 0, integer: true }),
        }
      : base.connectionLimits,
    rateLimit: rateLimit(r.object('rateLimit')) ?? base.rateLimit,
    fault: fault(r.object('fault')) ?? base.fault,
  };
  t?.done();
  c?.done();
  r.done();
  if (out.timeouts.perTryMs && out.timeouts.requestMs && out.timeouts.perTryMs > out.timeouts.requestMs) {
    throw new ConfigError(r.at('timeouts.perTry'), 'must not be longer than timeouts.request');
  }
  return out;
}

function loadBalancer(r: Reader | undefined, base: LoadBalancerPolicy): LoadBalancerPolicy {
  if (!r) return base;
  const algorithm = r.oneOf('algorithm', ['p2c-ewma', 'round-robin', 'random', 'consistent-hash'] as const, base.algorithm);
  const h = r.object('hashOn');
  let hashOn: LoadBalancerPolicy['hashOn'];
  if (h) {
    const cookie = h.object('cookie');
    if (h.has('header') === !!cookie) throw new ConfigError(r.at('hashOn'), 'set exactly one of header or cookie');
    if (cookie) {
      hashOn = { cookie: { name: cookie.string('name'), ttlMs: cookie.has('ttl') ? cookie.duration('ttl', 0) : undefined } };
      cookie.done();
    } else {
      hashOn = { header: headerNameAt(h, 'header') };
    }
    h.done();
  }
  if (algorithm === 'consistent-hash' && !hashOn) throw new ConfigError(r.at('hashOn'), 'is required for consistent-hash');
  r.done();
  return { algorithm, hashOn };
}

/** A RetryPolicy; routes may carry one of their own that overrides the service's. */
export function retries(r: Reader | undefined, base: RetryPolicy): RetryPolicy {
  if (!r) return base;
  const b = r.object('backoff');
  const g = r.object('budget');
  const out: RetryPolicy = {
    attempts: r.number('attempts', { fallback: base.attempts, min: 0, max: 10, integer: true }),
    on: r.has('on') ? r.stringList('on').map((v, i) => oneOfValue(`${r.at('on')}[${i}]`, v, retryOn)) : base.on,
    statusCodes: r.has('statusCodes')
      ? r.array('statusCodes').map((v, i) => statusCode(`${r.at('statusCodes')}[${i}]`, v))
      : base.statusCodes,
    grpcStatusCodes: r.has('grpcStatusCodes') ? grpcCodeList(r, 'grpcStatusCodes') : base.grpcStatusCodes,
    backoff: b ? { baseMs: b.duration('base', base.backoff.baseMs), maxMs: b.duration('max', base.backoff.maxMs) } : base.backoff,
    budget: g
      ? {
          ratio: g.number('ratio', { fallback: base.budget.ratio, min: 0, max: 1 }),
          minPerSecond: g.number('minPerSecond', { fallback: base.budget.minPerSecond, min: 0 }),
          windowMs: g.duration('window', base.budget.windowMs),
        }
      : base.budget,
    retryNonIdempotent: r.boolean('retryNonIdempotent', base.retryNonIdempotent),
    maxBodyBytes: r.number('maxBodyBytes', { fallback: base.maxBodyBytes, min: 0, max: 16 * 1024 * 1024, integer: true }),
  };
  b?.done();
  g?.done();
  r.done();
  if (out.backoff.maxMs < out.backoff.baseMs) throw new ConfigError(r.at('backoff.max'), 'must not be shorter than backoff.base');
  if (out.on.includes('retriable-status-codes') && out.statusCodes.length === 0) {
    throw new ConfigError(r.at('statusCodes'), 'must list codes when on includes retriable-status-codes');
  }
  return out;
}

/** A list of gRPC status names (any case), e.g. [UNAVAILABLE, internal]. */
function grpcCodeList(r: Reader, key: string): string[] {
  return r.stringList(key).map((v, i) => oneOfValue(`${r.at(key)}[${i}]`, v.toUpperCase(), grpcErrorNames));
}

function outlier(r: Reader | undefined, base: TrafficPolicy): TrafficPolicy['outlierDetection'] {
  const d = base.outlierDetection;
  if (!r) return d;
  const f = r.object('failureRate');
  const out = {
    consecutiveFailures: r.number('consecutiveFailures', { fallback: d.consecutiveFailures, min: 0, integer: true }),
    grpcFailureCodes: r.has('grpcFailureCodes') ? grpcCodeList(r, 'grpcFailureCodes') : d.grpcFailureCodes,
    failureRate: f
      ? {
          percent: f.number('percent', { fallback: d.failureRate.percent, min: 0, max: 100 }),
          minRequests: f.number('minRequests', { fallback: d.failureRate.minRequests, min: 1, integer: true }),
          windowMs: f.duration('window', d.failureRate.windowMs),
        }
      : d.failureRate,
    baseEjectionMs: r.duration('baseEjectionTime', d.baseEjectionMs),
    maxEjectionMs: r.duration('maxEjectionTime', d.maxEjectionMs),
    maxEjectionPercent: r.number('maxEjectionPercent', { fallback: d.maxEjectionPercent, min: 0, max: 100 }),
  };
  f?.done();
  r.done();
  if (out.maxEjectionMs < out.baseEjectionMs) throw new ConfigError(r.at('maxEjectionTime'), 'must not be shorter than baseEjectionTime');
  if (out.failureRate.percent > 0 && out.failureRate.windowMs <= 0) throw new ConfigError(r.at('failureRate.window'), 'must be longer than 0');
  return out;
}

function rateLimit(r: Reader | undefined): RateLimitPolicy | undefined {
  if (!r) return undefined;
  const requestsPerSecond = r.number('requestsPerSecond', { min: 0.001 });
  const out = { requestsPerSecond, burst: r.number('burst', { fallback: Math.max(1, Math.ceil(requestsPerSecond)), min: 1, integer: true }) };
  r.done();
  return out;
}

function fault(r: Reader | undefined): FaultPolicy | undefined {
  if (!r) return undefined;
  const d = r.object('delay');
  const a = r.object('abort');
  const out: FaultPolicy = {
    delay: d ? { percent: d.number('percent', { min: 0, max: 100 }), durationMs: d.duration('duration', 0) } : undefined,
    abort: a ? { percent: a.number('percent', { min: 0, max: 100 }), status: statusCode(a.at('status'), a.raw('status') ?? 503) } : undefined,
  };
  d?.done();
  a?.done();
  r.done();
  return out;
}

/** A Route in the static-file shape; exported so the control plane validates converted Gateway API rules with the same code. */
export function parseRoute(r: Reader, namespace: string): Route {
  const rh = r.object('requestHeaders');
  const sh = r.object('responseHeaders');
  const m = r.object('mirror');
  const t = r.object('timeouts');
  const route: Route = {
    name: r.string('name'),
    matches: r.list('matches').map(routeMatch),
    backends: r.list('backends').map((b) => backendRef(b, namespace)),
    requestHeaders: rh ? headerModifier(rh) : undefined,
    responseHeaders: sh ? headerModifier(sh) : undefined,
    mirror: m ? { backend: backendRef(m.requiredObject('backend'), namespace), percent: m.number('percent', { fallback: 100, min: 0, max: 100 }) } : undefined,
    timeouts: t ? { requestMs: t.has('request') ? t.duration('request', 0) : undefined, perTryMs: t.has('perTry') ? t.duration('perTry', 0) : undefined } : undefined,
    retries: r.has('retries') ? retries(r.object('retries'), defaultTrafficPolicy.retries) : undefined,
  };
  m?.done();
  t?.done();
  r.done();
  if (route.backends.length === 0) throw new ConfigError(r.at('backends'), 'a route needs at least one backend');
  if (route.backends.every((b) => b.weight === 0)) throw new ConfigError(r.at('backends'), 'at least one backend needs a weight above 0');
  return route;
}

function routeMatch(r: Reader): RouteMatch {
  const p = r.object('path');
  let path: RouteMatch['path'];
  if (p) {
    const type = p.oneOf('type', ['Exact', 'PathPrefix', 'RegularExpression'] as const, 'PathPrefix');
    const value = p.string('value');
    if (type === 'RegularExpression') regex(p.at('value'), value);
    else if (!value.startsWith('/')) throw new ConfigError(p.at('value'), 'a path must start with /');
    path = { type, value };
    p.done();
  }
  const out: RouteMatch = {
    path,
    method: r.has('method') ? r.string('method').toUpperCase() : undefined,
    headers: r.list('headers').map(valueMatch),
    queryParams: r.list('queryParams').map(valueMatch),
  };
  r.done();
  return out;
}

function valueMatch(r: Reader): ValueMatch {
  const out: ValueMatch = { name: headerNameAt(r, 'name'), type: r.oneOf('type', ['Exact', 'RegularExpression'] as const, 'Exact'), value: r.string('value') };
  if (out.type === 'RegularExpression') regex(r.at('value'), out.value);
  r.done();
  return out;
}

function backendRef(r: Reader, namespace: string): BackendRef {
  const out = { name: dnsName(r, 'name'), namespace: r.has('namespace') ? dnsName(r, 'namespace') : namespace, port: r.port('port'), weight: r.number('weight', { fallback: 1, min: 0, max: 1_000_000, integer: true }) };
  r.done();
  return out;
}

function headerModifier(r: Reader): HeaderModifier {
  const pair = (x: Reader): { name: string; value: string } => {
    const out = { name: headerNameAt(x, 'name'), value: headerValue(x, 'value') };
    x.done();
    return out;
  };
  const out = { set: r.list('set').map(pair), add: r.list('add').map(pair), remove: r.stringList('remove') };
  r.done();
  return out;
}

function tracing(r: Reader | undefined): ProxyConfig['tracing'] {
  if (!r) return { samplingRate: 1 };
  const e = r.object('exporter');
  const out: ProxyConfig['tracing'] = {
    samplingRate: r.number('samplingRate', { fallback: 1, min: 0, max: 1 }),
    exporter: e
      ? {
          kind: e.oneOf('kind', ['zipkin', 'otlp'] as const),
          endpoint: url(e, 'endpoint'),
          batchSize: e.number('batchSize', { fallback: 100, min: 1, max: 10_000, integer: true }),
          maxQueue: e.number('maxQueue', { fallback: 2048, min: 1, max: 1_000_000, integer: true }),
          flushIntervalMs: e.duration('flushInterval', 1000),
        }
      : undefined,
  };
  e?.done();
  r.done();
  return out;
}

function accessLog(r: Reader | undefined): ProxyConfig['accessLog'] {
  if (!r) return { enabled: false, sampleRate: 1 };
  const out = { enabled: r.boolean('enabled', true), sampleRate: r.number('sampleRate', { fallback: 1, min: 0, max: 1 }) };
  r.done();
  return out;
}

function limits(r: Reader | undefined): ProxyConfig['limits'] {
  if (!r) return defaultLimits;
  const out = {
    maxHeaderBytes: r.number('maxHeaderBytes', { fallback: defaultLimits.maxHeaderBytes, min: 1024, max: 1024 * 1024, integer: true }),
    maxRequestBodyBytes: r.number('maxRequestBodyBytes', { fallback: defaultLimits.maxRequestBodyBytes, min: 0, integer: true }),
    headersTimeoutMs: r.duration('headersTimeout', defaultLimits.headersTimeoutMs),
    drainMs: r.duration('drain', defaultLimits.drainMs),
    maxConcurrentStreams: r.number('maxConcurrentStreams', { fallback: defaultLimits.maxConcurrentStreams, min: 1, max: 65_536, integer: true }),
  };
  r.done();
  return out;
}

/** Route backends and mirrors must name a service and port this config defines. */
function checkReferences(config: ProxyConfig): void {
  const ports = new Map<string, Set<number>>();
  const seen = new Set<string>();
  config.services.forEach((s, i) => {
    const key = namespacedKey(s.namespace, s.name);
    if (seen.has(key)) throw new ConfigError(`services[${i}]`, `service ${key} is defined twice`);
    seen.add(key);
    ports.set(key, new Set(s.ports.map((p) => p.port)));
  });
  config.services.forEach((s, i) =>
    s.routes.forEach((route, j) => {
      const refs: [BackendRef, string][] = route.backends.map((b, k) => [b, `services[${i}].routes[${j}].backends[${k}]`]);
      if (route.mirror) refs.push([route.mirror.backend, `services[${i}].routes[${j}].mirror.backend`]);
      for (const [b, path] of refs) {
        const known = ports.get(namespacedKey(b.namespace, b.name));
        if (!known) throw new ConfigError(path, `no service ${b.namespace}/${b.name} in this config`);
        if (!known.has(b.port)) throw new ConfigError(`${path}.port`, `service ${b.namespace}/${b.name} has no port ${b.port}`);
      }
    }),
  );
}

function contentVersion(config: ProxyConfig): string {
  return createHash('sha256').update(JSON.stringify(config)).digest('hex').slice(0, 12);
}

function dnsName(r: Reader, key: string): string {
  const v = r.string(key);
  if (v.length > 63 || !dnsLabel.test(v)) throw new ConfigError(r.at(key), `"${v}" is not a valid DNS label (lowercase letters, digits and -)`);
  return v;
}

function ipAddress(r: Reader, key: string, fallback?: string): string {
  return ipAddressAt(r, r.at(key), r.has(key) ? r.raw(key) : fallback);
}

function ipAddressAt(_r: Reader, path: string, v: unknown): string {
  if (v === undefined) throw new ConfigError(path, 'is required');
  if (typeof v !== 'string' || isIP(v) === 0) throw new ConfigError(path, `expected an IP address, got ${JSON.stringify(v)}`);
  return v;
}

function headerNameAt(r: Reader, key: string): string {
  const v = r.string(key);
  if (!headerName.test(v)) throw new ConfigError(r.at(key), `"${v}" is not a valid header name`);
  return v.toLowerCase();
}

function headerValue(r: Reader, key: string): string {
  const v = r.raw(key);
  if (typeof v !== 'string') throw new ConfigError(r.at(key), 'expected a string');
  if (/[\0\r\n]/.test(v)) throw new ConfigError(r.at(key), 'header values must not contain NUL, CR or LF');
  return v;
}

function url(r: Reader, key: string): string {
  const v = r.string(key);
  try {
    const u = new URL(v);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('scheme');
  } catch {
    throw new ConfigError(r.at(key), `"${v}" is not an http(s) URL`);
  }
  return v;
}

function statusCode(path: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 100 || v > 599) throw new ConfigError(path, `expected an HTTP status code (100-599), got ${JSON.stringify(v)}`);
  return v;
}

function regex(path: string, v: string): void {
  if (v.length > 1024) throw new ConfigError(path, 'regular expression longer than 1024 characters');
  try {
    new RegExp(v);
  } catch (err) {
    throw new ConfigError(path, `invalid regular expression: ${(err as Error).message}`);
  }
}

function oneOfValue<T extends string>(path: string, v: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(v)) throw new ConfigError(path, `must be one of ${allowed.join(', ')}, got "${v}"`);
  return v as T;
}

export type { RetryOn };
