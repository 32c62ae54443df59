import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { toDocument, trafficPolicyDocument } from './document.js';
import { parseProxyConfig, trafficPolicy } from './parse.js';
import { Reader } from './reader.js';

const full = parseProxyConfig(parseYaml(readFileSync(new URL('./testdata/full.yaml', import.meta.url), 'utf8')));

describe('toDocument', () => {
  it('round-trips a config that uses every field through JSON and the validator unchanged', () => {
    const wire = JSON.parse(JSON.stringify(toDocument(full)));
    expect(parseProxyConfig(wire)).toEqual(full);
  });

  it('leaves the gRPC failure codes and the failure rate out at their defaults, for sidecars that predate them', () => {
    const wire = JSON.parse(JSON.stringify(trafficPolicyDocument(trafficPolicy(Reader.root({}))))) as { outlierDetection: Record<string, unknown> };
    expect(Object.keys(wire.outlierDetection)).toEqual(['consecutiveFailures', 'baseEjectionTime', 'maxEjectionTime', 'maxEjectionPercent']);
    // full.yaml sets both, and the round trip above keeps them.
    expect(full.services[0]!.policy.outlierDetection.failureRate.percent).toBe(50);
  });

  it('keeps a cookie hash key with its ttl', () => {
    const policy = { ...full.services[0]!.policy, loadBalancer: { algorithm: 'consistent-hash' as const, hashOn: { cookie: { name: 'sid', ttlMs: 60_000 } } } };
    expect(trafficPolicy(Reader.root(JSON.parse(JSON.stringify(trafficPolicyDocument(policy)))))).toEqual(policy);
  });
});
