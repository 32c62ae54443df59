/**
 * weft-control-plane in the cluster: the image from Dockerfile.control with manifests/control-plane/
 * (RBAC, 2-replica Deployment, Service) becomes Ready, one replica takes the Lease, and a sidecar
 * connected to its Service gets config and sends real requests with it.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { poll } from '../cluster/kube.js';
import { clusterSettings } from '../cluster/settings.js';
import { deleteNamespace, kubectl, prepare, readyPods } from './objects.js';
import { startSidecar, stopAll } from './processes.js';
import { get, readyEndpointPods } from './requests.js';

const ns = `e2e-cp-incluster-${randomBytes(3).toString('hex')}`;
const manifestImage = 'localhost/weft/control-plane:dev';
// The manifest names the image by the local tag images.sh builds; use the cluster's configured tag in case they differ.
const manifest = readFileSync(fileURLToPath(new URL('../../manifests/control-plane/control-plane.yaml', import.meta.url)), 'utf8').replaceAll(manifestImage, clusterSettings().controlImage);
const wait = { timeoutMs: 120_000, intervalMs: 500 };

beforeAll(async () => {
  await prepare(ns);
  await kubectl.apply(manifest);
}, 300_000);

afterAll(async () => {
  await stopAll();
  // The replicas go first (and with them their status writes), then everything else of the manifest.
  await kubectl.run(['-n', 'weft-system', 'delete', 'deployment', 'weft-control-plane', '--ignore-not-found', '--timeout=60s']).catch(() => undefined);
  await kubectl.run(['delete', '-f', '-', '--ignore-not-found', '--wait=false'], { input: manifest });
  await deleteNamespace(ns);
});

describe('weft-control-plane in the cluster (image from Dockerfile.control, manifests/control-plane/)', () => {
  it('becomes Ready, one replica takes the Lease, and a sidecar connected to its Service gets config and routes with it', async () => {
    await kubectl.run(['-n', 'weft-system', 'wait', '--for=condition=Available', 'deployment/weft-control-plane', '--timeout=180s']);
    const pods = await readyPods('weft-system', 'weft-control-plane', 2, 'app.kubernetes.io/name');
    interface Pod { metadata: { name: string }; status: { podIP: string } }
    const ips = (await kubectl.json<{ items: Pod[] }>(['-n', 'weft-system', 'get', 'pods', '-l', 'app.kubernetes.io/name=weft-control-plane'])).items.map((p) => p.status.podIP);
    for (const ip of ips) expect((await fetch(`http://${ip}:15014/readyz`)).status).toBe(200);

    const holder = await poll(async () => {
      const lease = await kubectl.json<{ spec: { holderIdentity?: string } }>(['-n', 'weft-system', 'get', 'lease', 'weft-control-plane']);
      return lease.spec.holderIdentity || undefined;
    }, { what: 'the Lease held', ...wait });
    expect(pods).toContain(holder);

    const svc = await kubectl.json<{ spec: { clusterIP: string } }>(['-n', 'weft-system', 'get', 'service', 'weft-control-plane']);
    const sidecar = (await startSidecar(`${svc.spec.clusterIP}:15010`, 'client-in-cluster', ns)).ports;
    const held = await poll(async () => (await readyEndpointPods(sidecar.admin, 'weft-system', 'weft-control-plane'))?.join(',') || undefined, { what: 'config from the in-cluster control plane', ...wait });
    expect(held.split(',')).toEqual(pods);
    // A real request with that config: through the sidecar to the control plane's own admin port.
    const host = `weft-control-plane.weft-system.svc.${clusterSettings().clusterDomain}:15014`;
    await poll(async () => ((await get(sidecar.outbound, host, '/readyz')).status === 200 ? true : undefined), { what: 'a request through the sidecar', ...wait });
  });
});
