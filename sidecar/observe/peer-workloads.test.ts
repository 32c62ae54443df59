import { describe, expect, it } from 'vitest';
import type { Service } from '../../common/config/types.js';
import { testConfig } from '../testing/config.js';
import { peerWorkloads } from './peer-workloads.js';

const services: Service[] = testConfig({
  services: [
    { name: 'reviews', namespace: 'shop', ports: [{ port: 9080, endpoints: [{ address: '10.244.0.7', port: 9080, pod: 'reviews-v1-a', workload: 'reviews-v1' }, { address: '10.244.0.8', port: 9080 }] }] },
    { name: 'ratings', namespace: 'data', ports: [{ port: 9080, endpoints: [{ address: '10.244.0.9', port: 9080, pod: 'ratings-a', workload: 'ratings' }] }] },
  ],
}).services;

describe('peerWorkloads', () => {
  it('finds the workload and namespace of the service endpoint with the address, also IPv4-mapped', () => {
    const lookup = peerWorkloads(services);
    expect(lookup('10.244.0.7')).toEqual({ workload: 'reviews-v1', namespace: 'shop' });
    expect(lookup('::ffff:10.244.0.9')).toEqual({ workload: 'ratings', namespace: 'data' });
  });

  it('knows nothing of an address no endpoint has, an endpoint without a workload, or no address', () => {
    const lookup = peerWorkloads(services);
    expect(lookup('10.244.0.99')).toBeUndefined();
    expect(lookup('10.244.0.8')).toBeUndefined();
    expect(lookup(undefined)).toBeUndefined();
  });
});
