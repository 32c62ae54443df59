/**
 * Meshed traffic as an unchanged app makes it, on the real cluster with charts/weft installed: a
 * client pod calls a meshed service by short name, FQDN and cluster IP and both sidecars count the
 * calls with both workloads named; raw TCP from the meshed client reaches where it was sent, to a
 * Service (a known destination) and to a bare pod address (passed through under allow-any).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ECHO_PORT, echoDeployment } from '../cluster/echo-app.js';
import { clusterSettings } from '../cluster/settings.js';
import { parseMetrics } from '../demo/golden-signals.js';
import { install, kubectl, readyPods, uninstall, uninstalled, type Pod } from './release.js';

const suffix = randomBytes(3).toString('hex');
const meshed = `e2e-mesh-${suffix}`;
const plain = `e2e-mesh-plain-${suffix}`;
const json = (o: unknown): string => JSON.stringify(o);
const TCP_PORT = 7000;

const service = (name: string, namespace: string, port: number) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace },
  spec: { selector: { app: name }, ports: [{ name: port === TCP_PORT ? 'tcp' : 'http', port, targetPort: port }] },
});

/** A TCP server that greets each connection with its pod's name, then echoes. */
const tcpEchoPod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'tcp-echo', namespace: plain, labels: { app: 'tcp-echo' } },
  spec: {
    terminationGracePeriodSeconds: 1,
    containers: [
      {
        name: 'tcp',
        image: clusterSettings().echoImage,
        imagePullPolicy: 'Never',
        command: ['node', '-e', `require('node:net').createServer((s) => { s.on('error', () => {}); s.once('data', (d) => { s.write(process.env.POD_NAME + ':' + d); s.end(); }); }).listen(${TCP_PORT})`],
        env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
        readinessProbe: { tcpSocket: { port: TCP_PORT }, periodSeconds: 1 },
      },
    ],
  },
};

let client: Pod;
let server: Pod;
let tcpEcho: Pod;

/** Runs node in the client pod's app container (its traffic is intercepted like the app's). */
async function inClient(args: string[]): Promise<string> {
  return (await kubectl.run(['-n', meshed, 'exec', client.metadata.name, '-c', 'echo', '--', 'node', ...args], { timeoutMs: 60_000 })).stdout.trim();
}

async function metricsOf(pod: Pod): Promise<string> {
  return (await fetch(`http://${pod.status.podIP}:15000/metrics`, { signal: AbortSignal.timeout(5000) })).text();
}

/** Sums a counter over the series whose labels include every `want` pair. */
function sum(text: string, name: string, want: Record<string, string>): number {
  return parseMetrics(text)
    .filter((s) => s.name === name && Object.entries(want).every(([k, v]) => s.labels[k] === v))
    .reduce((n, s) => n + s.value, 0);
}

beforeAll(async () => {
  await uninstalled();
  await install();
  await kubectl.apply(json({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: meshed, labels: { 'weft.dev/inject': 'enabled' } } }));
  await kubectl.apply(json({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: plain } }));
  for (const name of ['client', 'server']) {
    await kubectl.apply(json(echoDeployment(name, 1, meshed)));
    await kubectl.apply(json(service(name, meshed, ECHO_PORT)));
  }
  await kubectl.apply(json(tcpEchoPod));
  await kubectl.apply(json(service('tcp-echo', plain, TCP_PORT)));
  client = (await readyPods(meshed, 'app=client', 1))[0]!;
  server = (await readyPods(meshed, 'app=server', 1))[0]!;
  tcpEcho = (await readyPods(plain, 'app=tcp-echo', 1))[0]!;
}, 300_000);

afterAll(async () => {
  await kubectl.run(['delete', 'namespace', meshed, plain, '--wait=false', '--ignore-not-found']);
  await uninstall().catch(() => undefined);
}, 300_000);

describe('meshed traffic from an unchanged app', () => {
  it('reaches a meshed service by short name, FQDN and cluster IP, counted by both sidecars with both workloads named', async () => {
    const ip = (await kubectl.run(['-n', meshed, 'get', 'svc', 'server', '-o', 'jsonpath={.spec.clusterIP}'])).stdout;
    const urls = [`http://server:${ECHO_PORT}/`, `http://server.${meshed}.svc.${clusterSettings().clusterDomain}:${ECHO_PORT}/`, `http://${ip}:${ECHO_PORT}/`];
    for (const url of urls) {
      const answer = JSON.parse(await inClient(['/app/client.mjs', url])) as { responses?: { status: number; body: string }[]; error?: string };
      expect(answer.error, url).toBeUndefined();
      expect(answer.responses?.[0]?.status, url).toBe(200);
      expect((JSON.parse(answer.responses![0]!.body) as { pod: string }).pod, url).toBe(server.metadata.name);
    }
    const out = await metricsOf(client);
    expect(sum(out, 'weft_requests_total', { direction: 'outbound', source_workload: 'client', source_namespace: meshed, destination_service: 'server', destination_workload: 'server', status_code: '200' })).toBeGreaterThanOrEqual(3);
    const inbound = await metricsOf(server);
    expect(sum(inbound, 'weft_requests_total', { direction: 'inbound', source_workload: 'client', source_namespace: meshed, destination_workload: 'server', status_code: '200' })).toBeGreaterThanOrEqual(3);
  });

  it('passes raw TCP through to where the app sent it: a Service, and a bare pod address', async () => {
    const script = (host: string) => `const s = require('node:net').connect(${TCP_PORT}, '${host}', () => s.write('PING')); let t = ''; s.on('data', (d) => (t += d)); s.on('close', () => console.log(t)); s.on('error', (e) => console.log('error ' + e.message));`;
    expect(await inClient(['-e', script(`tcp-echo.${plain}`)])).toBe(`${tcpEcho.metadata.name}:PING`);
    expect(await inClient(['-e', script(tcpEcho.status.podIP!)])).toBe(`${tcpEcho.metadata.name}:PING`);
    // The bare address is no Service: the client's sidecar passed it through as an unknown destination.
    expect(sum(await metricsOf(client), 'weft_unknown_destination_requests_total', { outcome: 'forwarded' })).toBeGreaterThanOrEqual(1);
  });
});
