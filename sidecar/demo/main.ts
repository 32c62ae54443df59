/**
 * `make demo-local`: a small mesh on loopback, no Kubernetes. Starts five demo services and a sidecar
 * beside each (real processes, static YAML configs in ./config), sends a bounded amount of traffic
 * to productpage (which calls reviews, which calls ratings, all through their sidecars), then reads
 * the canary split and the retries from the productpage sidecar's /metrics and stops everything
 * it started, by PID.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { entryNodeFlags } from '../../common/entry-flags.js';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../../..');
const sidecarMain = join(repo, 'dist/sidecar/main.js');
const configDir = join(repo, 'sidecar/demo/config');
const totalRequests = 200;
const concurrency = 4;
const deadlineMs = 60_000;

interface Pod {
  name: string;
  base: number;
  call?: string;
  failEvery?: number;
}

const pods: Pod[] = [
  { name: 'productpage', base: 17000, call: 'reviews:9080' },
  { name: 'reviews-v1-a', base: 17100, call: 'ratings:9080' },
  { name: 'reviews-v1-b', base: 17200, call: 'ratings:9080', failEvery: 4 },
  { name: 'reviews-v2', base: 17300, call: 'ratings:9080' },
  { name: 'ratings', base: 17400 },
];
const portsOf = (p: Pod): number[] => [p.base, p.base + 1, p.base + 6, p.base + 80];

const children: { name: string; child: ChildProcess }[] = [];
const logDir = mkdtempSync(join(tmpdir(), 'weft-demo-'));

function start(name: string, args: string[], env: Record<string, string>): void {
  const out = createWriteStream(join(logDir, `${name}.log`));
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
  children.push({ name, child });
}

async function stopAll(): Promise<void> {
  await Promise.all(
    children.map(
      ({ child }) =>
        new Promise<void>((done) => {
          if (child.exitCode !== null || child.signalCode !== null) return done();
          const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
          child.once('exit', () => {
            clearTimeout(kill);
            done();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
}

function portFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const s = createServer();
    s.once('error', () => done(false));
    s.listen(port, '127.0.0.1', () => s.close(() => done(true)));
  });
}

function get(port: number, path: string, host = 'localhost'): Promise<{ status: number; body: string }> {
  return new Promise((done, fail) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host }, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => done({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', fail);
    req.end();
  });
}

async function waitReady(pod: Pod, until: number): Promise<void> {
  for (;;) {
    const ok = await get(pod.base, '/ready').then((r) => r.status === 200, () => false);
    if (ok) return;
    const exited = children.find((c) => c.child.exitCode !== null);
    if (exited) throw new Error(`${exited.name} exited early (code ${exited.child.exitCode}); see ${join(logDir, `${exited.name}.log`)}`);
    if (Date.now() > until) throw new Error(`${pod.name} sidecar not ready in time; see ${logDir}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The canary's configured weights (backend name -> weight) from the productpage sidecar's config. */
function canaryWeights(): Record<string, number> {
  interface Config { services: { name: string; routes?: { name: string; backends: { name: string; weight: number }[] }[] }[] }
  const config = parse(readFileSync(join(configDir, 'productpage.yaml'), 'utf8')) as Config;
  const route = config.services.flatMap((s) => s.routes ?? []).find((r) => r.name === 'reviews-canary');
  if (!route) throw new Error('productpage.yaml has no reviews-canary route');
  return Object.fromEntries(route.backends.map((b) => [b.name, b.weight]));
}

/** Sums a Prometheus counter over the series whose labels include every `want` pair. */
function sumMetric(text: string, name: string, want: Record<string, string>): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const labels = line.slice(name.length + 1, line.lastIndexOf('}'));
    if (Object.entries(want).every(([k, v]) => labels.includes(`${k}="${v}"`))) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

async function main(): Promise<number> {
  const taken: number[] = [];
  for (const port of pods.flatMap(portsOf)) if (!(await portFree(port))) taken.push(port);
  if (taken.length) {
    console.error(`make demo-local: ports ${taken.join(', ')} on 127.0.0.1 are taken; the demo needs 17000-17480 free. Stop what uses them and retry.`);
    return 1;
  }
  console.log(`==> starting ${pods.length} demo services and ${pods.length} sidecars (logs in ${logDir}, removed after a good run)`);
  for (const pod of pods) {
    const env: Record<string, string> = { DEMO_NAME: pod.name, DEMO_PORT: String(pod.base + 80), DEMO_PROXY_PORT: String(pod.base + 1) };
    if (pod.call) env.DEMO_CALL = pod.call;
    if (pod.failEvery) env.DEMO_FAIL_EVERY = String(pod.failEvery);
    start(pod.name, [join(here, 'app.js')], env);
    start(`${pod.name}-sidecar`, [...entryNodeFlags(sidecarMain), sidecarMain, '--config', join(configDir, `${pod.name}.yaml`)], { WEFT_LOG_LEVEL: 'warn' });
  }
  const until = Date.now() + 30_000;
  for (const pod of pods) await waitReady(pod, until);
  console.log('==> all sidecars ready; sending traffic to productpage through its sidecar');

  const stopAt = Date.now() + deadlineMs;
  let sent = 0;
  let answered = 0;
  let ok = 0;
  const seen: Record<string, number> = {};
  const worker = async (): Promise<void> => {
    while (sent < totalRequests && Date.now() < stopAt) {
      sent++;
      const res = await get(17006, '/', 'productpage:9080').catch(() => ({ status: 0, body: '' }));
      answered++;
      if (res.status === 200) {
        ok++;
        const reviews = (JSON.parse(res.body) as { next?: { service?: string } }).next?.service ?? 'error';
        seen[reviews] = (seen[reviews] ?? 0) + 1;
      }
      if (answered % 50 === 0) console.log(`    ${answered}/${totalRequests} requests answered, ${ok} with 200`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  console.log(`==> ${ok}/${sent} requests answered 200; productpage saw reviews from: ${JSON.stringify(seen)}`);

  const metrics = (await get(17000, '/metrics')).body;
  const toV1 = sumMetric(metrics, 'weft_requests_total', { direction: 'outbound', destination_service: 'reviews-v1' });
  const toV2 = sumMetric(metrics, 'weft_requests_total', { direction: 'outbound', destination_service: 'reviews-v2' });
  const retries = sumMetric(metrics, 'weft_retries_total', { destination_service: 'reviews-v1' });
  const share = (n: number): string => `${((100 * n) / Math.max(1, toV1 + toV2)).toFixed(1)}%`;
  const weights = canaryWeights();
  const totalWeight = Object.values(weights).reduce((a, b) => a + b, 0);
  const configured = (name: string): string => `${((100 * (weights[name] ?? 0)) / Math.max(1, totalWeight)).toFixed(0)}%`;
  console.log('==> from the productpage sidecar\'s /metrics (http://127.0.0.1:17000/metrics):');
  console.log(`    canary split  weft_requests_total{destination_service="reviews-v1"} = ${toV1} (${share(toV1)} measured, ${configured('reviews-v1')} configured)`);
  console.log(`                  weft_requests_total{destination_service="reviews-v2"} = ${toV2} (${share(toV2)} measured, ${configured('reviews-v2')} configured)`);
  console.log(`    retries       weft_retries_total{destination_service="reviews-v1"}  = ${retries} (reviews-v1-b answers 503 to every 4th request)`);
  for (const line of metrics.split('\n').filter((l) => l.startsWith('weft_retries_total{'))) console.log(`      ${line}`);
  const good = ok === sent && toV1 > toV2 && toV2 > 0 && retries > 0;
  console.log(good ? '==> demo OK: canary split and retries visible' : '==> demo finished with unexpected numbers (see above and the logs)');
  return good ? 0 : 1;
}

let code = 1;
try {
  code = await main();
} catch (err) {
  console.error(`make demo-local: ${(err as Error).message}`);
} finally {
  console.log('==> stopping the demo processes');
  await stopAll();
  // The logs are worth keeping only when something went wrong.
  if (code === 0) rmSync(logDir, { recursive: true, force: true });
  else console.log(`==> logs kept in ${logDir}`);
}
process.exit(code);
