import { X509Certificate } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { systemClock } from '../common/clock.js';
import { silentLogger } from '../common/log.js';
import { defaultInjectorSettings } from '../control-plane/injector/settings.js';
import { ControlPlaneMetrics } from '../control-plane/metrics/control-plane-metrics.js';
import { WebhookServer } from '../control-plane/webhook/server.js';
import { chartDir, render, type K8sDoc } from './helm.js';
import { selects, type LabelSelector } from './label-selector.js';

interface Webhook {
  name: string;
  failurePolicy: string;
  namespaceSelector: LabelSelector;
  objectSelector: LabelSelector;
  clientConfig: { caBundle: string; service: { name: string; namespace: string; path: string; port: number } };
}
const docs = render();
const config = docs.find((d) => d.kind === 'MutatingWebhookConfiguration') as K8sDoc & { webhooks: Webhook[] };
const secret = docs.find((d) => d.kind === 'Secret') as K8sDoc & { data: Record<string, string> };
const b64 = (s: string) => Buffer.from(s, 'base64').toString('utf8');

/** Which of the webhooks the API server would call for a pod with these labels in a namespace with those. */
const called = (nsName: string, nsLabels: Record<string, string>, podLabels: Record<string, string>, webhooks = config.webhooks) =>
  webhooks.filter((w) => selects(w.namespaceSelector, { 'kubernetes.io/metadata.name': nsName, ...nsLabels }) && selects(w.objectSelector, podLabels)).map((w) => w.name);

describe('the chart’s MutatingWebhookConfiguration: who is sent to the webhook', () => {
  const on = { 'weft.dev/inject': 'enabled' };
  const off = { 'weft.dev/inject': 'disabled' };
  it.each([
    ['a pod in a labelled namespace', 'shop', on, {}, ['namespace.inject.weft.dev']],
    ['a pod that opts in, in an unlabelled namespace', 'shop', {}, on, ['pod.inject.weft.dev']],
    ['a pod that opts in, in a labelled namespace (once)', 'shop', on, on, ['namespace.inject.weft.dev']],
    ['a pod that opts out of a labelled namespace', 'shop', on, off, []],
    ['an ordinary pod in an ordinary namespace', 'shop', {}, {}, []],
    ['a pod in a namespace labelled disabled', 'shop', off, on, ['pod.inject.weft.dev']],
    ['kube-system, even labelled', 'kube-system', on, on, []],
    ['the release namespace, even labelled', 'weft-system', on, on, []],
    ['kube-node-lease', 'kube-node-lease', on, on, []],
  ])('%s', (_, ns, nsLabels, podLabels, expected) => {
    expect(called(ns, nsLabels, podLabels)).toEqual(expected);
  });

  it('so a down control plane (failurePolicy Fail) blocks only pods that asked for a sidecar', () => {
    expect(config.webhooks.map((w) => w.failurePolicy)).toEqual(['Fail', 'Fail']);
    const ignore = render(['webhook.failurePolicy=Ignore']).find((d) => d.kind === 'MutatingWebhookConfiguration') as unknown as { webhooks: Webhook[] };
    expect(ignore.webhooks.map((w) => w.failurePolicy)).toEqual(['Ignore', 'Ignore']);
  });

  it('excludes the namespace it is installed in, whatever it is called', () => {
    const other = render([], 'mesh').find((d) => d.kind === 'MutatingWebhookConfiguration') as unknown as { webhooks: Webhook[] };
    expect(called('mesh', { 'weft.dev/inject': 'enabled' }, {}, other.webhooks)).toEqual([]);
    expect(other.webhooks[0]!.clientConfig.service).toEqual({ name: 'weft-control-plane', namespace: 'mesh', path: '/inject/labelled-namespace', port: 15017 });
    expect(other.webhooks[1]!.clientConfig.service.path).toBe('/inject');
  });
});

describe('the chart’s webhook certificate', () => {
  const ca = new X509Certificate(b64(config.webhooks[0]!.clientConfig.caBundle));
  const serving = new X509Certificate(b64(secret.data['tls.crt']!));
  const dir = mkdtempSync(join(tmpdir(), 'weft-chart-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is issued by the CA in the caBundle, for the Service’s names, for a year', () => {
    expect(serving.checkIssued(ca)).toBe(true);
    expect(serving.verify(ca.publicKey)).toBe(true);
    expect(serving.subjectAltName).toContain('DNS:weft-control-plane.weft-system.svc');
    const days = (Date.parse(serving.validTo) - Date.parse(serving.validFrom)) / 86_400_000;
    expect(Math.round(days)).toBe(365);
    expect(b64(secret.data['bundle.crt']!)).toBe(b64(config.webhooks[0]!.clientConfig.caBundle));
  });

  it('is what the control plane’s webhook server serves, and a client trusting the caBundle accepts it', async () => {
    writeFileSync(join(dir, 'tls.crt'), b64(secret.data['tls.crt']!));
    writeFileSync(join(dir, 'tls.key'), b64(secret.data['tls.key']!));
    const server = new WebhookServer({ certFile: join(dir, 'tls.crt'), keyFile: join(dir, 'tls.key'), settings: defaultInjectorSettings, namespaceLabels: () => ({}), clock: systemClock, log: silentLogger, metrics: new ControlPlaneMetrics() });
    const port = await server.listen('127.0.0.1', 0);
    try {
      const status = await new Promise<number>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, servername: 'weft-control-plane.weft-system.svc', path: '/inject', method: 'POST', ca: b64(config.webhooks[0]!.clientConfig.caBundle), agent: false }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end(JSON.stringify({ request: { uid: 'u', kind: { kind: 'Service' }, operation: 'CREATE' } }));
      });
      expect(status).toBe(200);
    } finally {
      await server.close();
    }
  });
});

describe('the chart’s webhook certificate across upgrades (lookup answered from the previous render)', () => {
  // helm template cannot reach a cluster, so `lookup` returns nothing; a copy of the chart reads
  // the "existing" Secret from a value instead, and the rest of the template runs unchanged.
  const copy = mkdtempSync(join(tmpdir(), 'weft-chart-upgrade-'));
  afterAll(() => rmSync(copy, { recursive: true, force: true }));
  cpSync(chartDir, copy, { recursive: true });
  rmSync(join(copy, 'values.schema.json'));
  const template = join(copy, 'templates', 'webhook.yaml');
  const lookupCall = '$existing := lookup "v1" "Secret" $ns $secretName';
  const text = readFileSync(template, 'utf8');
  if (!text.includes(lookupCall)) throw new Error('the chart no longer looks the Secret up as this test expects');
  writeFileSync(template, text.replace(lookupCall, '$existing := .Values.existingSecret'));

  const renderWith = (previous: Record<string, string>, sets: string[] = []) => {
    const values = join(copy, 'previous.yaml');
    writeFileSync(values, JSON.stringify({ existingSecret: { data: previous } }));
    const out = render(sets, 'weft-system', ['-f', values], copy);
    return {
      secret: (out.find((d) => d.kind === 'Secret') as K8sDoc & { data: Record<string, string> }).data,
      bundle: b64((out.find((d) => d.kind === 'MutatingWebhookConfiguration') as K8sDoc & { webhooks: Webhook[] }).webhooks[0]!.clientConfig.caBundle),
    };
  };

  it('keeps the CA and the caBundle, and issues a new serving certificate from that CA', () => {
    const next = renderWith(secret.data);
    expect(next.secret['ca.crt']).toBe(secret.data['ca.crt']);
    expect(next.secret['ca.key']).toBe(secret.data['ca.key']);
    expect(next.bundle).toBe(b64(secret.data['ca.crt']!));
    expect(next.secret['tls.crt']).not.toBe(secret.data['tls.crt']);
    expect(new X509Certificate(b64(next.secret['tls.crt']!)).verify(new X509Certificate(b64(secret.data['ca.crt']!)).publicKey)).toBe(true);
  });

  it('with renewCA: a new CA, and the caBundle trusts both until the next upgrade', () => {
    const renewed = renderWith(secret.data, ['webhook.certificate.renewCA=true']);
    expect(renewed.secret['ca.crt']).not.toBe(secret.data['ca.crt']);
    const trusted = renewed.bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)!.map((pem) => new X509Certificate(pem).fingerprint256);
    expect(trusted).toEqual([new X509Certificate(b64(renewed.secret['ca.crt']!)).fingerprint256, new X509Certificate(b64(secret.data['ca.crt']!)).fingerprint256]);
    // The next upgrade (renewCA back to false) keeps the new CA and drops the old one.
    const after = renderWith(renewed.secret);
    expect(after.bundle).toBe(b64(renewed.secret['ca.crt']!));
  });
});
