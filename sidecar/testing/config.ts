/** Builds validated ProxyConfigs for tests: every listener on 127.0.0.1 port 0. */
import { parseProxyConfig } from '../../common/config/parse.js';
import type { ProxyConfig } from '../../common/config/types.js';

/** `input` is the YAML-shaped document (as a static file would hold it), minus node and listeners. */
export function testConfig(input: Record<string, unknown> = {}): ProxyConfig {
  return parseProxyConfig({
    node: { workload: 'test', namespace: 'default' },
    listeners: {
      outbound: { address: '127.0.0.1', port: 0 },
      inbound: { address: '127.0.0.1', port: 0 },
      admin: { address: '127.0.0.1', port: 0 },
    },
    ...input,
  });
}

/** One service `name` in `default` with an http port 80 whose endpoints are the given loopback ports. */
export function httpService(name: string, ports: number[], extra: Record<string, unknown> = {}, protocol = 'http'): Record<string, unknown> {
  return {
    name,
    namespace: 'default',
    ports: [{ port: 80, protocol, endpoints: ports.map((port) => ({ address: '127.0.0.1', port })) }],
    ...extra,
  };
}
