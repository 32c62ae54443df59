import { describe, expect, it } from 'vitest';
import type { K8sPolicyObject } from '../state/k8s-objects.js';
import { RouteEvaluator } from './routes.js';
import { TrafficPolicyEvaluator } from './traffic-policy.js';

const exists = (k: string) => ['default/reviews', 'default/v1', 'default/v2'].includes(k);
const policy = (generation: number, timeouts: Record<string, unknown>): K8sPolicyObject => ({
  metadata: { name: 'p', namespace: 'default', generation },
  spec: { targetRef: { kind: 'Service', name: 'reviews' }, timeouts },
});
const route = (generation: number, path: string): K8sPolicyObject => ({
  metadata: { name: 'r', namespace: 'default', generation },
  spec: { parentRefs: [{ kind: 'Service', group: '', name: 'reviews' }], rules: [{ matches: [{ path: { type: 'PathPrefix', value: path } }], backendRefs: [{ name: 'v2', port: 80 }] }] },
});

describe('last accepted spec stays in force', () => {
  it('TrafficPolicy: an invalid edit is refused with a message and the previous generation keeps applying; deletion removes it', () => {
    const ev = new TrafficPolicyEvaluator();
    expect(ev.evaluate([policy(1, { request: '2s' })], exists).effective.get('default/reviews')?.timeouts.requestMs).toBe(2000);
    const bad = ev.evaluate([policy(2, { request: 'soon' })], exists);
    expect(bad.effective.get('default/reviews')?.timeouts.requestMs).toBe(2000);
    expect(bad.verdicts[0]!.condition).toMatchObject({ status: 'False', reason: 'Invalid', observedGeneration: 2 });
    expect(bad.verdicts[0]!.condition.message).toMatch(/spec\.timeouts\.request: expected a duration.*generation 1 stays in force/);
    const fixed = ev.evaluate([policy(3, { request: '5s' })], exists);
    expect(fixed.effective.get('default/reviews')?.timeouts.requestMs).toBe(5000);
    expect(fixed.verdicts[0]!.condition.status).toBe('True');
    expect(ev.evaluate([], exists).effective.size).toBe(0);
    expect(ev.evaluate([policy(4, { request: 'soon' })], exists).effective.size).toBe(0);
  });

  it('HTTPRoute: an invalid edit keeps the last accepted rules and reports UnsupportedValue on the parent', () => {
    const ev = new RouteEvaluator();
    const first = ev.evaluate([{ kind: 'HTTPRoute', obj: route(1, '/a') }], exists);
    expect(first.attached.get('default/reviews')![0]!.matches[0]!.path).toEqual({ type: 'PathPrefix', value: '/a' });
    const bad = ev.evaluate([{ kind: 'HTTPRoute', obj: route(2, 'no-slash') }], exists);
    expect(bad.attached.get('default/reviews')![0]!.matches[0]!.path).toEqual({ type: 'PathPrefix', value: '/a' });
    expect(bad.verdicts[0]!.parents[0]!.conditions[0]).toMatchObject({ type: 'Accepted', status: 'False', reason: 'UnsupportedValue', observedGeneration: 2 });
    expect(bad.verdicts[0]!.parents[0]!.conditions[0]!.message).toContain('a path must start with /');
  });

  it('refuses filters weft does not implement, naming the field', () => {
    const obj = route(1, '/a');
    (obj.spec!.rules as Record<string, unknown>[])[0]!.filters = [{ type: 'URLRewrite', urlRewrite: {} }];
    const v = new RouteEvaluator().evaluate([{ kind: 'HTTPRoute', obj }], exists);
    expect(v.attached.size).toBe(0);
    expect(v.verdicts[0]!.parents[0]!.conditions[0]!.message).toContain('spec.rules[0].filters[0].type: filter URLRewrite is not supported');
  });
});
