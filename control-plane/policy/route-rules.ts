/** One Gateway API rule (HTTPRoute or GRPCRoute) -> static-config route documents, one per match; parseRoute validates them after. */
import { grpcErrorNames } from '../../common/config/index.js';
import { parseGatewayDuration } from './gateway-duration.js';

export interface RouteDoc {
  name: string;
  matches: Record<string, unknown>[];
  backends: { name: string; namespace: string; port: unknown; weight: unknown }[];
  requestHeaders?: unknown;
  responseHeaders?: unknown;
  mirror?: { backend: { name: string; namespace: string; port: unknown }; percent: number };
  timeouts?: { request?: number; perTry?: number };
  retries?: { attempts: number; grpcStatusCodes: string[]; retryNonIdempotent: true };
}

/** GRPCRoute annotations for retries, which Gateway API's GRPCRoute has no field for. */
export const grpcRetryAnnotations = {
  codes: 'policy.weft.dev/retry-grpc-status-codes',
  attempts: 'policy.weft.dev/retry-attempts',
} as const;

/**
 * The retry policy a GRPCRoute's annotations ask for, for all its rules, or undefined without
 * them. Listing statuses to retry says the route's methods are safe to repeat (gRPC calls are
 * POSTs, which are otherwise never retried).
 */
export function grpcRouteRetries(annotations: Record<string, string> | undefined): RouteDoc['retries'] {
  const codes = annotations?.[grpcRetryAnnotations.codes];
  const attempts = annotations?.[grpcRetryAnnotations.attempts];
  const at = (key: string): string => `metadata.annotations["${key}"]`;
  if (codes === undefined) {
    if (attempts !== undefined) throw new Error(`${at(grpcRetryAnnotations.attempts)}: needs ${grpcRetryAnnotations.codes} too`);
    return undefined;
  }
  const names = codes.split(',').map((c) => c.trim().toUpperCase()).filter((c) => c !== '');
  const unknown = names.find((n) => !(grpcErrorNames as readonly string[]).includes(n));
  if (unknown !== undefined || names.length === 0) throw new Error(`${at(grpcRetryAnnotations.codes)}: ${unknown === undefined ? 'lists no status' : `"${unknown}" is not a gRPC status`}; expected e.g. "UNAVAILABLE, RESOURCE_EXHAUSTED"`);
  const count = attempts === undefined ? 2 : Number(attempts);
  if (!Number.isInteger(count) || count < 0 || count > 10) throw new Error(`${at(grpcRetryAnnotations.attempts)}: must be a whole number from 0 to 10, got "${attempts}"`);
  return { attempts: count, grpcStatusCodes: names, retryNonIdempotent: true };
}

type Obj = Record<string, unknown>;
const list = (v: unknown): Obj[] => (Array.isArray(v) ? (v as Obj[]) : []);

export function convertHttpRule(rule: Obj, path: string, ns: string): RouteDoc[] {
  const base = common(rule, path, ns);
  const t = rule.timeouts as Obj | undefined;
  if (t) {
    base.timeouts = {};
    if (t.request !== undefined) base.timeouts.request = parseGatewayDuration(t.request, `${path}.timeouts.request`);
    if (t.backendRequest !== undefined) base.timeouts.perTry = parseGatewayDuration(t.backendRequest, `${path}.timeouts.backendRequest`);
  }
  const matches = list(rule.matches).map((m) => {
    const out: Obj = {};
    if (m.path) out.path = m.path;
    if (m.method) out.method = m.method;
    if (m.headers) out.headers = m.headers;
    if (m.queryParams) out.queryParams = m.queryParams;
    return out;
  });
  return perMatch(base, matches);
}

export function convertGrpcRule(rule: Obj, path: string, ns: string): RouteDoc[] {
  const base = common(rule, path, ns);
  const matches = list(rule.matches).map((m, i) => {
    const out: Obj = {};
    if (m.method) out.path = grpcPath(m.method as Obj, `${path}.matches[${i}].method`);
    if (m.headers) out.headers = m.headers;
    return out;
  });
  return perMatch(base, matches);
}

function perMatch(base: RouteDoc, matches: Obj[]): RouteDoc[] {
  if (matches.length === 0) return [base];
  return matches.map((m) => ({ ...base, matches: [m] }));
}

function common(rule: Obj, path: string, ns: string): RouteDoc {
  const doc: RouteDoc = { name: '', matches: [], backends: list(rule.backendRefs).map((b, i) => backend(b, `${path}.backendRefs[${i}]`, ns, true)) };
  list(rule.filters).forEach((f, i) => {
    const at = `${path}.filters[${i}]`;
    switch (f.type) {
      case 'RequestHeaderModifier':
        doc.requestHeaders = f.requestHeaderModifier;
        break;
      case 'ResponseHeaderModifier':
        doc.responseHeaders = f.responseHeaderModifier;
        break;
      case 'RequestMirror': {
        const m = (f.requestMirror ?? {}) as Obj;
        const fraction = m.fraction as { numerator: number; denominator?: number } | undefined;
        const percent = typeof m.percent === 'number' ? m.percent : fraction ? (100 * fraction.numerator) / (fraction.denominator ?? 100) : 100;
        const b = backend((m.backendRef ?? {}) as Obj, `${at}.requestMirror.backendRef`, ns, false);
        doc.mirror = { backend: { name: b.name, namespace: b.namespace, port: b.port }, percent };
        break;
      }
      default:
        throw new Error(`${at}.type: filter ${String(f.type)} is not supported by weft`);
    }
  });
  return doc;
}

function backend(b: Obj, at: string, ns: string, weighted: boolean): RouteDoc['backends'][number] {
  if ((b.group ?? '') !== '' || (b.kind ?? 'Service') !== 'Service') throw new Error(`${at}: only core Services can be backends`);
  if (typeof b.name !== 'string') throw new Error(`${at}.name: is required`);
  if (b.port === undefined) throw new Error(`${at}.port: is required for a Service backend`);
  if (b.namespace !== undefined && b.namespace !== ns) throw new Error(`${at}.namespace: cross-namespace backends need a ReferenceGrant, which weft does not support yet`);
  if (list(b.filters).length) throw new Error(`${at}.filters: per-backend filters are not supported by weft`);
  return { name: b.name, namespace: ns, port: b.port, weight: weighted ? (b.weight ?? 1) : 1 };
}

function grpcPath(m: Obj, at: string): Obj {
  const type = m.type ?? 'Exact';
  const service = typeof m.service === 'string' ? m.service : undefined;
  const method = typeof m.method === 'string' ? m.method : undefined;
  if (!service && !method) throw new Error(`${at}: set service, method or both`);
  if (type === 'RegularExpression') return { type: 'RegularExpression', value: `^/${service ?? '[^/]+'}/${method ?? '[^/]+'}$` };
  if (type !== 'Exact') throw new Error(`${at}.type: must be Exact or RegularExpression`);
  if (service && method) return { type: 'Exact', value: `/${service}/${method}` };
  if (service) return { type: 'PathPrefix', value: `/${service}/` };
  return { type: 'RegularExpression', value: `^/[^/]+/${(method as string).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$` };
}
