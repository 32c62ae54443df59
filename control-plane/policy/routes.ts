/**
 * HTTPRoute and GRPCRoute attached to Services (GAMMA) -> the Route model, with per-parent status.
 * Each rule is converted to the static config's route shape and validated by the same parser; a
 * route whose new spec fails keeps its last accepted rules. Rules of all routes on one Service are
 * ordered by Gateway API precedence, one Route per match so the order holds per match.
 */
import { Reader, parseRoute } from '../../common/config/index.js';
import type { Route } from '../../common/config/types.js';
import { objectKey, type K8sPolicyObject } from '../state/k8s-objects.js';
import { condition, controllerName, type Condition } from './conditions.js';
import { LastAccepted } from './last-accepted.js';
import { convertGrpcRule, convertHttpRule, grpcRouteRetries, type RouteDoc } from './route-rules.js';
import { namespacedKey } from '../../common/keys.js';

export type RouteKind = 'HTTPRoute' | 'GRPCRoute';

export interface ParentRef {
  group?: string;
  kind?: string;
  name: string;
  namespace?: string;
  port?: number;
}

export interface RouteParentStatus {
  parentRef: ParentRef;
  controllerName: string;
  conditions: Condition[];
}

export interface RouteVerdict {
  kind: RouteKind;
  key: string;
  generation?: number;
  parents: RouteParentStatus[];
}

interface Converted {
  routes: Route[];
  /** Backends that name no Service in the cluster (ResolvedRefs). */
  missing: string[];
}

interface Ranked {
  route: Route;
  rank: number[];
  created: string;
  key: string;
  order: number;
}

export class RouteEvaluator {
  private readonly accepted = new LastAccepted<Route[]>();

  evaluate(objects: readonly { kind: RouteKind; obj: K8sPolicyObject }[], serviceExists: (key: string) => boolean): { attached: Map<string, Route[]>; verdicts: RouteVerdict[] } {
    this.accepted.retain(new Set(objects.map((o) => `${o.kind}/${objectKey(o.obj)}`)));
    const ranked = new Map<string, Ranked[]>();
    const verdicts: RouteVerdict[] = [];
    for (const { kind, obj } of objects) {
      const ns = obj.metadata.namespace ?? 'default';
      const generation = obj.metadata.generation;
      const parents = serviceParents(obj);
      if (parents.length === 0) continue;
      const memo = `${kind}/${objectKey(obj)}`;
      let converted: Converted | undefined;
      let invalid: string | undefined;
      try {
        converted = convertRoute(kind, obj, serviceExists);
        this.accepted.accept(memo, generation, converted.routes);
      } catch (err) {
        const previous = this.accepted.get(memo);
        invalid = `${(err as Error).message}${previous ? `; generation ${previous.generation ?? '?'} stays in force` : ''}`;
        converted = previous && { routes: previous.value, missing: [] };
      }
      const statuses: RouteParentStatus[] = [];
      for (const parent of parents) {
        const target = namespacedKey(parent.namespace ?? ns, parent.name);
        const found = serviceExists(target);
        const accepted = !found
          ? condition('Accepted', false, 'NoMatchingParent', `Service ${target} does not exist`, generation)
          : invalid
            ? condition('Accepted', false, 'UnsupportedValue', invalid, generation)
            : condition('Accepted', true, 'Accepted', `attached to Service ${target}`, generation);
        const missing = converted?.missing ?? [];
        const resolved = missing.length
          ? condition('ResolvedRefs', false, 'BackendNotFound', `no Service ${missing.join(', ')}`, generation)
          : condition('ResolvedRefs', true, 'ResolvedRefs', 'all backends resolved', generation);
        statuses.push({ parentRef: parent, controllerName, conditions: [accepted, resolved] });
        if (!found || !converted) continue;
        const list = ranked.get(target) ?? [];
        converted.routes.forEach((route, order) => list.push({ route, rank: precedence(route), created: obj.metadata.creationTimestamp ?? '', key: objectKey(obj), order }));
        ranked.set(target, list);
      }
      verdicts.push({ kind, key: objectKey(obj), generation, parents: statuses });
    }
    const attached = new Map<string, Route[]>();
    for (const [target, list] of ranked) {
      list.sort((a, b) => compareRank(a.rank, b.rank) || a.created.localeCompare(b.created) || a.key.localeCompare(b.key) || a.order - b.order);
      attached.set(target, list.map((r) => r.route));
    }
    return { attached, verdicts };
  }
}

/** Parent refs that are Services (GAMMA); Gateway parents belong to a gateway controller, not to weft. */
function serviceParents(obj: K8sPolicyObject): ParentRef[] {
  const refs = Array.isArray(obj.spec?.parentRefs) ? (obj.spec.parentRefs as ParentRef[]) : [];
  return refs.filter((p) => p && typeof p.name === 'string' && p.kind === 'Service' && (p.group === '' || p.group === 'core' || p.group === undefined));
}

function convertRoute(kind: RouteKind, obj: K8sPolicyObject, serviceExists: (key: string) => boolean): Converted {
  const ns = obj.metadata.namespace ?? 'default';
  const rules = Array.isArray(obj.spec?.rules) ? (obj.spec.rules as Record<string, unknown>[]) : [];
  const routes: Route[] = [];
  const missing = new Set<string>();
  const retries = kind === 'GRPCRoute' ? grpcRouteRetries(obj.metadata.annotations) : undefined;
  rules.forEach((rule, i) => {
    const path = `spec.rules[${i}]`;
    const docs: RouteDoc[] = kind === 'HTTPRoute' ? convertHttpRule(rule, path, ns) : convertGrpcRule(rule, path, ns);
    docs.forEach((doc, j) => {
      if (retries) doc.retries = retries;
      for (const b of doc.backends) if (!serviceExists(namespacedKey(b.namespace, b.name))) missing.add(namespacedKey(b.namespace, b.name));
      doc.name = `${obj.metadata.name}.${typeof rule.name === 'string' ? rule.name : i}${docs.length > 1 ? `.${j}` : ''}`;
      routes.push(parseRoute(Reader.root(doc, path), ns));
    });
  });
  return { routes, missing: [...missing] };
}

/** Gateway API precedence: exact path, longer prefix, method, more headers, more query params (higher ranks first). */
function precedence(r: Route): number[] {
  const m = r.matches[0];
  const p = m?.path;
  return [p?.type === 'Exact' ? 1 : 0, p?.type === 'PathPrefix' ? p.value.length : 0, m?.method ? 1 : 0, m?.headers.length ?? 0, m?.queryParams.length ?? 0];
}

function compareRank(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (b[i] ?? 0) - (a[i] ?? 0);
  return 0;
}
