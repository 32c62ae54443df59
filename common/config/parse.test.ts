import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../errors.js';
import { defaultTrafficPolicy } from './defaults.js';
import { parseProxyConfig } from './parse.js';

const full = parseYaml(readFileSync(new URL('./testdata/full.yaml', import.meta.url), 'utf8'));
const minimal = () => ({
  node: { workload: 'web', namespace: 'default' },
  services: [{ name: 'reviews', namespace: 'default', ports: [{ port: 9080, endpoints: [{ address: '127.0.0.1', port: 1 }] }] }],
});

describe('parseProxyConfig', () => {
  it('reads every field of a full config, converting durations to milliseconds', () => {
    const c = parseProxyConfig(full);
    expect(c.version).toBe('demo-1');
    const reviews = c.services[0]!;
    expect(reviews.policy.timeouts).toEqual({ connectMs: 500, requestMs: 5000, perTryMs: 1000, idleMs: 60_000 });
    expect(reviews.policy.retries.grpcStatusCodes).toEqual(['UNAVAILABLE']);
    expect(reviews.policy.outlierDetection.grpcFailureCodes).toEqual(['UNAVAILABLE', 'INTERNAL']);
    expect(reviews.policy.retries.budget).toEqual({ ratio: 0.1, minPerSecond: 5, windowMs: 10_000 });
    expect(reviews.policy.loadBalancer).toEqual({ algorithm: 'consistent-hash', hashOn: { header: 'x-user' } });
    expect(reviews.routes[0]!.matches[0]!.method).toBe('GET');
    expect(reviews.routes[0]!.matches[0]!.headers[0]!.name).toBe('x-canary');
    expect(reviews.routes[0]!.backends.map((b) => [b.namespace, b.weight])).toEqual([['default', 90], ['default', 10]]);
    expect(reviews.routes[0]!.mirror).toEqual({ backend: { name: 'reviews-v2', namespace: 'default', port: 9080, weight: 1 }, percent: 5 });
    expect(c.services[1]!.ports[0]!.endpoints[1]!.ready).toBe(false);
    expect(c.inbound[0]).toEqual({ port: 9080, appAddress: '127.0.0.1', appPort: 19080, protocol: 'http' });
    expect(c.limits.drainMs).toBe(3000);
    expect(c.limits.maxConcurrentStreams).toBe(100);
    expect(c.outboundTrafficPolicy).toBe('allow-any');
  });

  it('fills defaults a production user expects', () => {
    const c = parseProxyConfig(minimal());
    expect(c.services[0]!.policy).toEqual(defaultTrafficPolicy);
    expect(c.listeners.outbound).toEqual({ address: '127.0.0.1', port: 15001 });
    expect(c.listeners.admin.port).toBe(15000);
    expect(c.services[0]!.ports[0]!.endpoints[0]).toMatchObject({ weight: 1, ready: true });
    expect(c.version).toMatch(/^[0-9a-f]{12}$/);
    expect(c.outboundTrafficPolicy).toBe('registry-only');
    expect(c.limits.maxConcurrentStreams).toBe(256);
  });

  it('refuses an unknown outbound traffic policy and a stream limit out of range', () => {
    expect(() => parseProxyConfig({ ...minimal(), outboundTrafficPolicy: 'ALLOW_ANY' })).toThrow(/outboundTrafficPolicy: must be one of allow-any, registry-only/);
    expect(() => parseProxyConfig({ ...minimal(), limits: { maxConcurrentStreams: 0 } })).toThrow(/limits.maxConcurrentStreams/);
  });

  it('gives the same content version for the same config', () => {
    expect(parseProxyConfig(minimal()).version).toBe(parseProxyConfig(minimal()).version);
  });

  const bad: [string, (c: ReturnType<typeof minimal> & Record<string, unknown>) => void, string][] = [
    ['a missing node', (c) => delete (c as { node?: unknown }).node, 'node: is required'],
    ['an unknown top-level field', (c) => (c.servics = []), 'servics: unknown field'],
    ['a bad port', (c) => (c.services[0]!.ports[0]!.port = 70000), 'services[0].ports[0].port: must be at most 65535, got 70000'],
    ['a non-IP endpoint', (c) => (c.services[0]!.ports[0]!.endpoints[0]!.address = 'reviews'), 'services[0].ports[0].endpoints[0].address: expected an IP address'],
    ['an invalid name', (c) => (c.services[0]!.name = 'Reviews_1'), 'services[0].name: "Reviews_1" is not a valid DNS label'],
    ['a bad duration', (c) => ((c.services[0] as Record<string, unknown>).policy = { timeouts: { request: 'soon' } }), 'services[0].policy.timeouts.request: expected a duration'],
    ['too many retries', (c) => ((c.services[0] as Record<string, unknown>).policy = { retries: { attempts: 99 } }), 'services[0].policy.retries.attempts: must be at most 10'],
    ['per-try longer than request', (c) => ((c.services[0] as Record<string, unknown>).policy = { timeouts: { request: '1s', perTry: '2s' } }), 'services[0].policy.timeouts.perTry: must not be longer than timeouts.request'],
    ['consistent-hash without a key', (c) => ((c.services[0] as Record<string, unknown>).policy = { loadBalancer: { algorithm: 'consistent-hash' } }), 'services[0].policy.loadBalancer.hashOn: is required'],
    ['a route to an unknown service', (c) => ((c.services[0] as Record<string, unknown>).routes = [{ name: 'r', backends: [{ name: 'ghost', port: 1 }] }]), 'services[0].routes[0].backends[0]: no service default/ghost in this config'],
    ['a route to an unknown port', (c) => ((c.services[0] as Record<string, unknown>).routes = [{ name: 'r', backends: [{ name: 'reviews', port: 1 }] }]), 'services[0].routes[0].backends[0].port: service default/reviews has no port 1'],
    ['an invalid regex', (c) => ((c.services[0] as Record<string, unknown>).routes = [{ name: 'r', matches: [{ path: { type: 'RegularExpression', value: '(' } }], backends: [{ name: 'reviews', port: 9080 }] }]), 'services[0].routes[0].matches[0].path.value: invalid regular expression'],
    ['a CRLF in a header value', (c) => ((c.services[0] as Record<string, unknown>).routes = [{ name: 'r', requestHeaders: { set: [{ name: 'x', value: 'a\r\nb' }] }, backends: [{ name: 'reviews', port: 9080 }] }]), 'header values must not contain NUL, CR or LF'],
    ['an unknown gRPC failure status', (c) => ((c.services[0] as Record<string, unknown>).policy = { outlierDetection: { grpcFailureCodes: ['UNAVAILABLE', 'BROKEN'] } }), 'services[0].policy.outlierDetection.grpcFailureCodes[1]: must be one of'],
    ['a duplicate service', (c) => c.services.push(structuredClone(c.services[0]!)), 'services[1]: service default/reviews is defined twice'],
  ];
  it.each(bad)('rejects %s with an error naming the field', (_name, mutate, message) => {
    const c = minimal() as ReturnType<typeof minimal> & Record<string, unknown>;
    mutate(c);
    let err: unknown;
    try {
      parseProxyConfig(c);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).code).toBe('WEFT_CONFIG_INVALID');
    expect((err as ConfigError).message).toContain(message);
  });

  it('rejects input that is not a mapping', () => {
    expect(() => parseProxyConfig('services: []')).toThrow('expected a mapping, got "services: []"');
    expect(() => parseProxyConfig(null)).toThrow(ConfigError);
  });
});
