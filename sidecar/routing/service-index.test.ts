import { describe, expect, it } from 'vitest';
import { testConfig } from '../testing/config.js';
import { parseAuthority } from './authority.js';
import { ServiceIndex } from './service-index.js';

const config = testConfig({
  services: [
    { name: 'reviews', namespace: 'default', clusterIPs: ['10.96.0.12'], ports: [{ port: 9080, endpoints: [] }] },
    { name: 'reviews', namespace: 'other', ports: [{ port: 9080, endpoints: [] }] },
    { name: 'ratings', namespace: 'other', ports: [{ port: 80, endpoints: [] }] },
  ],
});
const index = new ServiceIndex(config);
const resolve = (authority: string): string | undefined => {
  const m = index.resolve(parseAuthority(authority)!);
  return m && `${m.service.namespace}/${m.service.name}:${m.port.port}`;
};

describe('ServiceIndex.resolve', () => {
  it.each([
    ['reviews:9080', 'default/reviews:9080'],
    ['reviews.default:9080', 'default/reviews:9080'],
    ['reviews.other:9080', 'other/reviews:9080'],
    ['reviews.other.svc:9080', 'other/reviews:9080'],
    ['reviews.other.svc.cluster.local:9080', 'other/reviews:9080'],
    ['10.96.0.12:9080', 'default/reviews:9080'],
    ['ratings.other', 'other/ratings:80'],
  ])('%s -> %s', (authority, want) => expect(resolve(authority)).toBe(want));

  it.each([
    ['reviews', 'no port 80 on reviews'],
    ['ratings', 'short names are relative to the proxy namespace (default)'],
    ['reviews.other.svc.example.org:9080', 'another cluster domain'],
    ['reviews.other.pod:9080', 'not a service name'],
    ['10.96.0.13:9080', 'unknown cluster IP'],
    ['example.com:9080', 'external host'],
  ])('%s is unknown (%s)', (authority) => expect(resolve(authority)).toBeUndefined());
});
