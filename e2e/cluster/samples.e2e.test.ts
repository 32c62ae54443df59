/**
 * What a user applies after `make cluster-up`: the Gateway API CRDs are there at the pinned version
 * (installed by the cluster, not by the suites), and every sample in manifests/samples/ passes the
 * real API server's validation against weft's and Gateway API's CRD schemas.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { e2eKubectl } from './cluster.js';
import { clusterSettings } from './settings.js';

const kubectl = e2eKubectl();
const repo = (path: string): string => fileURLToPath(new URL(`../../${path}`, import.meta.url));

describe('the cluster as a user finds it', () => {
  it('serves the Gateway API standard CRDs at the pinned version', async () => {
    interface Crd { metadata: { name: string; annotations?: Record<string, string> }; status: { conditions?: { type: string; status: string }[] } }
    for (const name of ['httproutes', 'grpcroutes', 'referencegrants', 'gateways', 'gatewayclasses']) {
      const crd = await kubectl.json<Crd>(['get', 'crd', `${name}.gateway.networking.k8s.io`]);
      expect(crd.metadata.annotations?.['gateway.networking.k8s.io/bundle-version']).toBe(clusterSettings().gatewayApiVersion);
      expect(crd.metadata.annotations?.['gateway.networking.k8s.io/channel']).toBe('standard');
      expect(crd.status.conditions?.find((c) => c.type === 'Established')?.status).toBe('True');
    }
  });

  it('accepts every sample in manifests/samples/ once weft\'s CRDs are installed', async () => {
    await kubectl.apply(readFileSync(repo('manifests/crds/trafficpolicies.policy.weft.dev.yaml'), 'utf8'));
    await kubectl.run(['wait', '--for=condition=Established', 'crd/trafficpolicies.policy.weft.dev', '--timeout=60s']);
    const samples = readdirSync(repo('manifests/samples')).filter((f) => f.endsWith('.yaml'));
    expect(samples).toContain('httproute-reviews-canary.yaml');
    for (const sample of samples) {
      // Server-side dry run: the API server validates against the CRD schema and stores nothing.
      const { stdout } = await kubectl.run(['apply', '--dry-run=server', '-f', repo(`manifests/samples/${sample}`)]);
      expect(stdout, sample).toMatch(/(created|configured|unchanged) \(server dry run\)/);
    }
  });
});
