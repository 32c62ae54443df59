/**
 * `node dist/e2e/kind/cli.js up|down`: the same test bed on kind, for machines with a Docker engine.
 * up: create the cluster (unless it exists), docker build the e2e images, kind load them, then the
 * steps shared with the local cluster (prepareCluster). kind is not exercised in CI (no Docker there).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { run } from '../cluster/exec.js';
import { buildable, e2eImages } from '../cluster/images.js';
import { Kubectl } from '../cluster/kube.js';
import { prepareCluster } from '../cluster/prepare.js';
import { clusterSettings, scriptsDir } from '../cluster/settings.js';
import { DEFAULT_CLUSTER_NAME, DEFAULT_NODE_IMAGE, Kind } from './kind.js';

const log = (line: string): void => console.log(`[kind] ${line}`);
const settings = clusterSettings();
const repo = join(scriptsDir(), '..', '..');
const name = process.env.KIND_CLUSTER_NAME ?? DEFAULT_CLUSTER_NAME;
const kubeconfig = process.env.KIND_KUBECONFIG ?? join(settings.weftCache, 'kind', name, 'kubeconfig');
const kind = new Kind(run, process.env.KIND ?? 'kind', process.env.DOCKER ?? 'docker');

async function up(): Promise<void> {
  mkdirSync(dirname(kubeconfig), { recursive: true });
  if (await kind.exists(name)) {
    log(`cluster ${name} exists; exporting its kubeconfig`);
    await kind.exportKubeconfig(name, kubeconfig);
  } else {
    const nodeImage = process.env.KIND_NODE_IMAGE ?? DEFAULT_NODE_IMAGE;
    log(`creating cluster ${name} (${nodeImage})`);
    await kind.create({ name, nodeImage, kubeconfig, wait: '180s' });
  }
  const images = e2eImages(repo, settings);
  const built: string[] = [];
  for (const image of images) {
    if (!buildable(image)) {
      log(`skipping ${image.tag}: ${image.needs.filter((p) => !existsSync(p)).join(', ')} missing (npm run build)`);
      continue;
    }
    log(`docker build ${image.tag}`);
    await kind.build({ dockerfile: image.dockerfile, tag: image.tag, context: image.context });
    built.push(image.tag);
  }
  log(`kind load docker-image ${built.join(' ')}`);
  await kind.load(name, built);
  const kubectl = new Kubectl({ kubectl: existsSync(settings.kubectl) ? settings.kubectl : 'kubectl', helm: settings.helm, kubeconfig });
  await prepareCluster(kubectl, log);
  log(`KUBECONFIG=${kubeconfig}`);
  log(`run the e2e suites on it: WEFT_E2E_KUBECONFIG=${kubeconfig} npx vitest run --config e2e/vitest.e2e.config.ts`);
}

const command = process.argv[2];
try {
  if (command === 'up') await up();
  else if (command === 'down') await kind.delete(name, kubeconfig);
  else {
    console.error('usage: cli.js up|down   (env: KIND_CLUSTER_NAME, KIND_NODE_IMAGE, KIND_KUBECONFIG, KIND, DOCKER)');
    process.exitCode = 2;
  }
} catch (err) {
  console.error(`[kind] ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
}
