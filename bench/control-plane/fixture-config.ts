/** A proxy config with N services of M endpoints each, as the control-plane fan-out benchmark pushes it. */
import { parseProxyConfig, type ProxyConfig } from '../../common/config/index.js';

export function fanoutConfig(services: number, endpointsPerService: number, version: string): ProxyConfig {
  return parseProxyConfig({
    version,
    node: { workload: 'bench', namespace: 'bench', pod: 'bench-0' },
    services: Array.from({ length: services }, (_, i) => ({
      name: `svc-${i}`,
      namespace: 'bench',
      clusterIPs: [`10.96.${i >> 8}.${i & 255}`],
      ports: [
        {
          port: 8080,
          protocol: 'http',
          // The version lands in one endpoint's pod name, so every change really changes the snapshot.
          endpoints: Array.from({ length: endpointsPerService }, (_, j) => ({ address: `10.${(i >> 8) + 1}.${i & 255}.${j + 1}`, port: 8080, pod: i === 0 && j === 0 ? `svc-0-${version}` : `svc-${i}-${j}` })),
        },
      ],
    })),
  });
}
