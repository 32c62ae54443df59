import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PeerCertificate, TLSSocket } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../common/clock.js';
import { silentLogger } from '../../common/log.js';
import { FakeClock } from '../../common/testing/fake-clock.js';
import { makeServingCert, type ServingCert } from '../../common/testing/serving-cert.js';
import { ControlPlane } from '../app.js';
import { injectPod } from '../injector/inject.js';
import { applyPatch } from '../injector/json-patch.js';
import type { PodLike } from '../injector/pod.js';
import { defaultInjectorSettings as settings } from '../injector/settings.js';
import { ControlPlaneMetrics } from '../metrics/control-plane-metrics.js';
import { FakeApiServer } from '../testing/fake-apiserver.js';
import { WebhookServer } from './server.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const first = makeServingCert(['localhost', 'weft-control-plane.weft-system.svc']);

function certDir(cert: ServingCert): { certFile: string; keyFile: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'weft-webhook-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'tls.crt'), cert.certPem);
  writeFileSync(join(dir, 'tls.key'), cert.keyPem);
  return { dir, certFile: join(dir, 'tls.crt'), keyFile: join(dir, 'tls.key') };
}

interface Reply {
  status: number;
  body: string;
  peer: PeerCertificate;
}
function post(port: number, ca: string, body: string, path = '/inject', method = 'POST'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', servername: 'localhost', port, path, method, ca, agent: false, headers: { 'content-type': 'application/json' } }, (res) => {
      const peer = (res.socket as TLSSocket).getPeerCertificate();
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, peer }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const pod = (labels: Record<string, string>, annotations: Record<string, string> = {}): PodLike => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { generateName: 'web-5d8f9-', labels, annotations, ownerReferences: [{ kind: 'ReplicaSet', name: 'web-5d8f9', controller: true }] },
  spec: { containers: [{ name: 'web', image: 'example/web:1' }] },
});
const review = (uid: string, object: PodLike, namespace = 'shop', kind = 'Pod', operation = 'CREATE'): string =>
  JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid, kind: { group: '', version: 'v1', kind }, operation, namespace, object } });
const responseOf = (r: Reply) => (JSON.parse(r.body) as { response: { uid: string; allowed: boolean; patch?: string; patchType?: string; status?: { message: string } } }).response;

async function start(namespaces: Record<string, Record<string, string>>, clock = systemClock as FakeClock | typeof systemClock) {
  const files = certDir(first);
  const metrics = new ControlPlaneMetrics();
  const server = new WebhookServer({ ...files, settings, namespaceLabels: (ns) => namespaces[ns] ?? {}, clock, log: silentLogger, metrics, reloadMs: 1000 });
  const port = await server.listen('127.0.0.1', 0);
  cleanups.push(() => server.close());
  return { port, files, metrics };
}

describe('WebhookServer over real HTTPS on loopback', () => {
  it('answers a pod CREATE in a labelled namespace with the injector’s patch, base64 JSONPatch, echoing the uid', async () => {
    const { port, metrics } = await start({ shop: { 'weft.dev/inject': 'enabled' } });
    const p = pod({ app: 'web', 'pod-template-hash': '5d8f9' });
    const r = responseOf(await post(port, first.caPem, review('uid-1', p)));
    expect(r).toMatchObject({ uid: 'uid-1', allowed: true, patchType: 'JSONPatch' });
    const patch = JSON.parse(Buffer.from(r.patch!, 'base64').toString('utf8'));
    expect(patch).toEqual(injectPod(p, { namespace: 'shop', namespaceLabels: { 'weft.dev/inject': 'enabled' }, workload: 'web' }, settings).patch);
    expect(applyPatch(p, patch).spec!.initContainers!.map((c) => c.name)).toEqual(['weft-init', 'weft-proxy']);
    expect(await metrics.registry.getSingleMetricAsString('weft_cp_admissions_total')).toContain('weft_cp_admissions_total{result="injected"} 1');
  });

  it('on /inject/labelled-namespace, takes the namespace as labelled even before its watch has seen the label', async () => {
    const { port } = await start({});
    const p = pod({ app: 'web' });
    expect(responseOf(await post(port, first.caPem, review('n1', p))).patch).toBeUndefined();
    expect(responseOf(await post(port, first.caPem, review('n2', p), '/inject/labelled-namespace')).patchType).toBe('JSONPatch');
    // A pod's own opt-out still wins there.
    expect(responseOf(await post(port, first.caPem, review('n3', pod({ 'weft.dev/inject': 'disabled' })), '/inject/labelled-namespace')).patch).toBeUndefined();
  });

  it('allows without a patch what it does not inject: unlabelled namespaces, other kinds, updates', async () => {
    const { port } = await start({});
    for (const body of [review('a', pod({})), review('b', pod({ 'weft.dev/inject': 'enabled' }), 'shop', 'Service'), review('c', pod({ 'weft.dev/inject': 'enabled' }), 'shop', 'Pod', 'UPDATE')]) {
      const r = responseOf(await post(port, first.caPem, body));
      expect(r.allowed).toBe(true);
      expect(r.patch).toBeUndefined();
    }
  });

  it('denies a pod with a bad annotation, with the injector’s message', async () => {
    const { port, metrics } = await start({});
    const r = responseOf(await post(port, first.caPem, review('uid-2', pod({ 'weft.dev/inject': 'enabled' }, { 'weft.dev/proxy-memory-limit': 'much' }))));
    expect(r.allowed).toBe(false);
    expect(r.status!.message).toMatch(/^weft: annotation weft.dev\/proxy-memory-limit: "much" is not a resource quantity/);
    expect(await metrics.registry.getSingleMetricAsString('weft_cp_admissions_total')).toContain('result="refused"} 1');
  });

  it('answers 400 to a body that is not an AdmissionReview and 404 elsewhere', async () => {
    const { port } = await start({});
    expect((await post(port, first.caPem, '{not json')).status).toBe(400);
    expect((await post(port, first.caPem, '{"kind":"AdmissionReview"}')).status).toBe(400);
    expect((await post(port, first.caPem, '', '/inject', 'GET')).status).toBe(404);
    expect((await post(port, first.caPem, '{}', '/mutate')).status).toBe(404);
  });

  it('serves a renewed certificate written over its files, once the reload timer fires, without restarting', async () => {
    const clock = new FakeClock();
    const { port, files } = await start({}, clock);
    const before = await post(port, first.caPem, review('x', pod({})));
    const second = makeServingCert(['localhost']);
    writeFileSync(files.certFile, second.certPem);
    writeFileSync(files.keyFile, second.keyPem);
    // Not yet: the files are re-read on the timer only.
    expect((await post(port, first.caPem, review('y', pod({})))).peer.fingerprint256).toBe(before.peer.fingerprint256);
    await clock.advance(1000);
    const after = await post(port, second.caPem, review('z', pod({})));
    expect(after.status).toBe(200);
    expect(after.peer.fingerprint256).not.toBe(before.peer.fingerprint256);
    await expect(post(port, first.caPem, review('w', pod({})))).rejects.toThrow(/self.signed|unable to verify|certificate/i);
  });
});

describe('ControlPlane with its webhook', () => {
  it('reads namespace labels from its watch of Namespaces', async () => {
    const api = new FakeApiServer();
    await api.start();
    api.upsert('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { 'weft.dev/inject': 'enabled' } } });
    api.upsert('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'plain' } });
    const files = certDir(first);
    const cp = new ControlPlane({
      client: api.client(),
      clock: systemClock,
      log: silentLogger,
      grpc: { host: '127.0.0.1', port: 0 },
      admin: { host: '127.0.0.1', port: 0 },
      webhook: { host: '127.0.0.1', port: 0, ...files, settings },
    });
    cleanups.push(() => api.stop(), () => cp.stop());
    await cp.start();
    const inShop = responseOf(await post(cp.ports.webhook, first.caPem, review('1', pod({ app: 'web' }), 'shop')));
    const inPlain = responseOf(await post(cp.ports.webhook, first.caPem, review('2', pod({ app: 'web' }), 'plain')));
    expect(inShop.patchType).toBe('JSONPatch');
    expect(inPlain).toEqual({ uid: '2', allowed: true });
  });
});
