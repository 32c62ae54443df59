/** Runs the pinned helm (installed on first use by e2e/cluster/install-helm.sh) on charts/weft, for the chart's unit tests. */
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { clusterSettings } from '../e2e/cluster/settings.js';

export const chartDir = fileURLToPath(new URL('./weft/', import.meta.url));
const installer = fileURLToPath(new URL('../e2e/cluster/install-helm.sh', import.meta.url));

let helmPath: string | undefined;
/** The helm binary's path, installing it once (a no-op when cached). */
export function helmBin(): string {
  if (!helmPath) {
    execFileSync('bash', [installer], { stdio: 'ignore' });
    helmPath = clusterSettings().helm;
  }
  return helmPath;
}

export interface HelmResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function helm(args: string[]): HelmResult {
  const r = spawnSync(helmBin(), args, { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export interface K8sDoc {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

/** `helm template` of the chart (or a copy of it) with `--set` pairs; throws with helm's message when it fails. */
export function render(sets: string[] = [], namespace = 'weft-system', extra: string[] = [], chart = chartDir): K8sDoc[] {
  const r = helm(['template', 'weft', chart, '-n', namespace, ...sets.flatMap((s) => ['--set', s]), ...extra]);
  if (r.status !== 0) throw new Error(r.stderr);
  return parseAllDocuments(r.stdout)
    .map((d) => d.toJS() as K8sDoc | null)
    .filter((d): d is K8sDoc => d !== null);
}
