/** One Gateway API rule (HTTPRoute or GRPCRoute) -> static-config route documents, one per match; parseRoute validates them after. */
import { parseGatewayDuration } from './gateway-duration.js';

export interface RouteDoc {
  name: string;
  matches: Record<string, unknown>[];
  backends: { name: string; namespace: string; port: unknown; weight: unknown }[];
  requestHeaders?: unknown;
  responseHeaders?: unknown;
  mirror?: { backend: { name: string; namespace: string; port: unknown }; percent: number };
  timeouts?: { request?: number; perTry?: number };
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
