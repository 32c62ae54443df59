/**
 * TrafficPolicy semantics: validation (with the static config's own parser), target lookup, and
 * merging of several policies on one Service. Rules (docs/policy-api.md): policies on one target
 * merge section by section (loadBalancer, timeouts, retries, ...); when two set the same section,
 * the older one (creationTimestamp, then name) wins and the newer one is Conflicted and contributes
 * nothing; an invalid edit is refused and the last accepted spec of that object stays in force.
 */
import { defaultTrafficPolicy } from '../../common/config/defaults.js';
import { Reader, trafficPolicy } from '../../common/config/index.js';
import type { TrafficPolicy } from '../../common/config/types.js';
import { isPlainObject } from '../../common/config/reader.js';
import { objectKey, type K8sPolicyObject } from '../state/k8s-objects.js';
import { condition, type Condition } from './conditions.js';
import { LastAccepted } from './last-accepted.js';
import { namespacedKey } from '../../common/keys.js';

export const policySections = ['loadBalancer', 'timeouts', 'retries', 'outlierDetection', 'connectionLimits', 'rateLimit', 'fault'] as const;
type Section = (typeof policySections)[number];

interface ParsedPolicy {
  target: string;
  sections: Partial<TrafficPolicy>;
}

export interface PolicyVerdict {
  key: string;
  generation?: number;
  condition: Condition;
}

export interface PolicyEvaluation {
  /** Effective merged policy per target Service key (`namespace/name`). */
  effective: Map<string, TrafficPolicy>;
  verdicts: PolicyVerdict[];
}

export class TrafficPolicyEvaluator {
  private readonly accepted = new LastAccepted<ParsedPolicy>();

  evaluate(objects: readonly K8sPolicyObject[], serviceExists: (key: string) => boolean): PolicyEvaluation {
    this.accepted.retain(new Set(objects.map(objectKey)));
    const verdicts = new Map<string, PolicyVerdict>();
    const candidates: { obj: K8sPolicyObject; parsed: ParsedPolicy }[] = [];
    for (const obj of objects) {
      const key = objectKey(obj);
      const generation = obj.metadata.generation;
      let parsed: ParsedPolicy | undefined;
      try {
        parsed = this.accepted.accept(key, generation, parsePolicy(obj)).value;
      } catch (err) {
        const previous = this.accepted.get(key);
        const keeps = previous ? `; generation ${previous.generation ?? '?'} stays in force` : '';
        verdicts.set(key, { key, generation, condition: condition('Accepted', false, 'Invalid', `${(err as Error).message}${keeps}`, generation) });
        parsed = previous?.value;
      }
      if (!parsed) continue;
      if (!serviceExists(parsed.target)) {
        if (!verdicts.has(key)) verdicts.set(key, { key, generation, condition: condition('Accepted', false, 'TargetNotFound', `Service ${parsed.target} does not exist`, generation) });
        continue;
      }
      candidates.push({ obj, parsed });
    }
    candidates.sort((a, b) => age(a.obj).localeCompare(age(b.obj)) || objectKey(a.obj).localeCompare(objectKey(b.obj)));
    const effective = new Map<string, TrafficPolicy>();
    const owners = new Map<string, Map<Section, string>>();
    for (const { obj, parsed } of candidates) {
      const key = objectKey(obj);
      const claimed = owners.get(parsed.target) ?? new Map<Section, string>();
      const clash = (Object.keys(parsed.sections) as Section[]).find((s) => claimed.has(s));
      if (clash) {
        verdicts.set(key, {
          key,
          generation: obj.metadata.generation,
          condition: condition('Accepted', false, 'Conflicted', `spec.${clash} is already set on Service ${parsed.target} by the older TrafficPolicy ${claimed.get(clash)}`, obj.metadata.generation),
        });
        continue;
      }
      for (const s of Object.keys(parsed.sections) as Section[]) claimed.set(s, obj.metadata.name);
      owners.set(parsed.target, claimed);
      effective.set(parsed.target, { ...(effective.get(parsed.target) ?? defaultTrafficPolicy), ...parsed.sections });
      if (!verdicts.has(key)) verdicts.set(key, { key, generation: obj.metadata.generation, condition: condition('Accepted', true, 'Accepted', `applies to Service ${parsed.target}`, obj.metadata.generation) });
    }
    return { effective, verdicts: [...verdicts.values()] };
  }
}

/** Validates the spec exactly as the static config's `policy:` block is validated. */
export function parsePolicy(obj: K8sPolicyObject): ParsedPolicy {
  const spec = obj.spec;
  if (!isPlainObject(spec)) throw new Error('spec is required');
  const { targetRef, ...rest } = spec;
  const t = Reader.root(targetRef, 'spec.targetRef');
  // The core group is spelled "" in Kubernetes references, which the Reader's string() refuses.
  const group = t.raw('group') ?? '';
  const kind = t.string('kind', 'Service');
  const name = t.string('name');
  t.done();
  if (group !== '' && group !== 'core') throw new Error(`spec.targetRef.group: must be "" (core), got ${JSON.stringify(group)}`);
  if (kind !== 'Service') throw new Error(`spec.targetRef.kind: must be Service, got "${kind}"`);
  const full = trafficPolicy(Reader.root(rest, 'spec'));
  const sections: Partial<Record<Section, unknown>> = {};
  for (const s of policySections) if (rest[s] !== undefined && rest[s] !== null) sections[s] = full[s];
  return { target: namespacedKey(obj.metadata.namespace ?? 'default', name), sections: sections as Partial<TrafficPolicy> };
}

function age(o: K8sPolicyObject): string {
  return o.metadata.creationTimestamp ?? '';
}
