/**
 * `make demo`: the user's journey on the local Kubernetes cluster. Brings the cluster up (building
 * what a fresh machine lacks), builds weft's images, `helm install`s weft from charts/weft, deploys
 * the demo application (manifests/demo) in a namespace labelled for injection, applies a canary
 * HTTPRoute and a retry TrafficPolicy, sends a bounded amount of traffic, and prints each
 * service's golden signals from its callers' sidecars. The cluster stays up to be explored; the
 * last lines say how, and how to tear it down.
 */
import { join } from 'node:path';
import { inClusterNetns, localKubectl } from '../cluster/cluster.js';
import type { Kubectl } from '../cluster/kube.js';
import { poll } from '../cluster/kube.js';
import { prepareCluster } from '../cluster/prepare.js';
import { clusterSettings, scriptsDir } from '../cluster/settings.js';
import { formatSignals, goldenSignals } from './golden-signals.js';
import { StepFailed, Steps, type StepContext } from './steps.js';
import type { Totals } from './traffic.js';

const repo = join(scriptsDir(), '..', '..');
const settings = clusterSettings();
const NAMESPACE = 'weft-demo';
const RELEASE_NAMESPACE = 'weft-system';
const REQUESTS = 300;
const DEPLOYMENTS = ['productpage', 'reviews-v1', 'reviews-v2', 'ratings'];
const trafficCli = join(repo, 'dist/e2e/demo/traffic-cli.js');

interface Pod {
  metadata: { name: string; labels?: Record<string, string> };
  spec: { initContainers?: { name: string; restartPolicy?: string }[] };
  status: { podIP?: string };
}

const kubectl: Kubectl = localKubectl();
const manifest = (name: string): string => join(repo, 'manifests/demo', name);

async function nodeInNetns(ctx: StepContext, args: string[]): Promise<string> {
  return (await ctx.run(inClusterNetns([process.execPath, trafficCli, ...args]), { timeoutMs: 120_000 })).stdout;
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('the local cluster needs root (network namespaces, mounts, containerd): run it as root, e.g. sudo make demo');
  const steps = new Steps(7, join(settings.weftCache, 'demo', 'logs'));
  console.log(`==> weft demo: the user's journey on a local Kubernetes cluster (logs in ${join(settings.weftCache, 'demo', 'logs')})`);

  await steps.step('tools and images: install and build what this machine lacks (a fresh one builds Kubernetes from source: about 10 minutes)', async (ctx) => {
    await ctx.runShown(['bash', join(scriptsDir(), 'setup.sh')]);
  });

  await steps.step('local cluster: start it (idempotent) and import the images', async (ctx) => {
    await ctx.runShown(['bash', join(scriptsDir(), 'up.sh')]);
    await prepareCluster(kubectl, (line) => ctx.say(line));
  });

  await steps.step(`helm install weft charts/weft -n ${RELEASE_NAMESPACE}`, async (ctx) => {
    const args = ['upgrade', '--install', 'weft', join(repo, 'charts/weft'), '-n', RELEASE_NAMESPACE, '--create-namespace', '--wait', '--timeout', '5m'];
    await ctx.run([...(kubectl.target.prefix ?? []), settings.helm, '--kubeconfig', settings.kubeconfig, ...args]);
    ctx.say(`release weft installed; control plane: ${(await kubectl.run(['-n', RELEASE_NAMESPACE, 'get', 'deploy', '-o', 'name'])).stdout.trim().replace(/\n/g, ', ')}`);
    await ctx.run([...(kubectl.target.prefix ?? []), settings.helm, '--kubeconfig', settings.kubeconfig, 'test', 'weft', '-n', RELEASE_NAMESPACE, '--timeout', '3m']);
    ctx.say('helm test weft: passed');
  });

  await steps.step(`demo app in namespace ${NAMESPACE} (labelled weft.dev/inject=enabled)`, async (ctx) => {
    await ctx.run([...kubectlArgv(), 'apply', '-f', manifest('app.yaml')]);
    for (const d of DEPLOYMENTS) await ctx.run([...kubectlArgv(), '-n', NAMESPACE, 'rollout', 'status', `deployment/${d}`, '--timeout=180s']);
    const pods = await demoPods();
    const meshed = pods.filter((p) => p.spec.initContainers?.some((c) => c.restartPolicy === 'Always'));
    ctx.say(`${pods.length} pods ready, ${meshed.length} with weft's sidecar: ${pods.map((p) => p.metadata.name).join(', ')}`);
    if (meshed.length !== pods.length) throw new Error(`pods without a sidecar: ${pods.filter((p) => !meshed.includes(p)).map((p) => p.metadata.name).join(', ')}`);
  });

  await steps.step('policies: canary HTTPRoute (reviews 90/10) and retries for reviews-v1', async (ctx) => {
    await ctx.run([...kubectlArgv(), 'apply', '-f', manifest('canary.yaml'), '-f', manifest('resilience.yaml')]);
    for (const [kind, name, path] of [
      ['httproute', 'reviews-canary', '{.status.parents[0].conditions[?(@.type=="Accepted")].status}'],
      ['trafficpolicy', 'reviews-v1-retries', '{.status.conditions[?(@.type=="Accepted")].status}'],
    ] as const) {
      await poll(async () => ((await kubectl.run(['-n', NAMESPACE, 'get', kind, name, '-o', `jsonpath=${path}`])).stdout === 'True' ? true : undefined), {
        what: `${kind}/${name} Accepted`,
        timeoutMs: 60_000,
      });
      ctx.say(`${kind}/${name}: Accepted`);
    }
  });

  const totals = await steps.step(`traffic: ${REQUESTS} requests to http://productpage.${NAMESPACE}:9080/ (4 at a time, at most 90 s)`, async (ctx) => {
    const ip = (await kubectl.run(['-n', NAMESPACE, 'get', 'svc', 'productpage', '-o', 'jsonpath={.spec.clusterIP}'])).stdout;
    const out = await nodeInNetns(ctx, ['send', `http://${ip}:9080/`, String(REQUESTS), '4', '90000']);
    const lines = out.trim().split('\n').map((l) => JSON.parse(l) as { progress?: Totals; done?: Totals });
    for (const l of lines) if (l.progress) ctx.say(`${l.progress.sent} sent, by status ${JSON.stringify(l.progress.byStatus)}`);
    const done = lines.at(-1)?.done;
    if (!done) throw new Error('the traffic sender printed no totals');
    if (!done.byStatus[200]) throw new Error(`no request was answered 200 (by status: ${JSON.stringify(done.byStatus)})`);
    return done;
  });

  await steps.step('golden signals from the sidecars\' /metrics', async (ctx) => {
    const pods = await demoPods();
    const bodies = JSON.parse(await nodeInNetns(ctx, ['scrape', ...pods.map((p) => `http://${p.status.podIP}:15000/metrics`)])) as string[];
    const rows = goldenSignals(bodies);
    for (const line of formatSignals(rows).split('\n')) ctx.say(line);
    const v1 = rows.find((r) => r.service === 'reviews-v1')?.requests ?? 0;
    const v2 = rows.find((r) => r.service === 'reviews-v2')?.requests ?? 0;
    const share = (n: number): string => `${((100 * n) / Math.max(1, v1 + v2)).toFixed(1)}%`;
    ctx.say(`canary: reviews-v1 ${share(v1)} / reviews-v2 ${share(v2)} measured, 90% / 10% configured (manifests/demo/canary.yaml)`);
    ctx.say(`productpage answered ${JSON.stringify(totals.byStatus)} to the ${totals.sent} requests; reviews-v1's 503s were retried by the callers' sidecars`);
    if (rows.length === 0) throw new Error('no sidecar reported outbound requests');
  });

  console.log(`==> demo done in ${steps.elapsed()}. The cluster stays up:`);
  console.log('    make cluster-shell                        # a shell with kubectl and helm, then e.g.');
  console.log(`      kubectl -n ${NAMESPACE} get pods            # every pod runs weft-proxy beside its app`);
  console.log(`      kubectl -n ${NAMESPACE} get httproute,trafficpolicy`);
  console.log(`      curl http://<pod IP>:15000/metrics         # a sidecar's metrics (docs/observability.md)`);
  console.log('    make cluster-down                         # stop the cluster and remove everything it made');
}

/** kubectl's argv for this cluster (inside its network namespace). */
function kubectlArgv(): string[] {
  return [...(kubectl.target.prefix ?? []), kubectl.target.kubectl, '--kubeconfig', kubectl.target.kubeconfig];
}

async function demoPods(): Promise<Pod[]> {
  return (await kubectl.json<{ items: Pod[] }>(['-n', NAMESPACE, 'get', 'pods', '--field-selector=status.phase=Running'])).items;
}

try {
  await main();
} catch (err) {
  console.error(err instanceof StepFailed ? `make demo: ${err.message}` : `make demo: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
}
