/** kubectl and helm against one cluster, the local one or kind's, plus polling helpers. */
import { run } from './exec.js';
import type { RunOptions, RunResult } from './exec.js';

export interface KubeTarget {
  kubectl: string;
  helm?: string;
  kubeconfig: string;
  /** Prepended to every command, e.g. nsenter into the local cluster's network namespace. */
  prefix?: readonly string[];
}

export class Kubectl {
  constructor(readonly target: KubeTarget) {}

  run(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    return run([...(this.target.prefix ?? []), this.target.kubectl, '--kubeconfig', this.target.kubeconfig, ...args], options);
  }

  async json<T>(args: readonly string[]): Promise<T> {
    const { stdout } = await this.run([...args, '-o', 'json']);
    return JSON.parse(stdout) as T;
  }

  /** Applies a manifest (YAML or JSON text) with server-side apply. */
  async apply(manifest: string, namespace?: string): Promise<void> {
    const ns = namespace ? ['-n', namespace] : [];
    await this.run([...ns, 'apply', '--server-side', '--force-conflicts', '--field-manager', 'weft-e2e', '-f', '-'], {
      input: manifest,
    });
  }

  helm(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    if (!this.target.helm) throw new Error('no helm binary configured for this cluster');
    return run([...(this.target.prefix ?? []), this.target.helm, '--kubeconfig', this.target.kubeconfig, ...args], options);
  }
}

export interface PollOptions {
  what: string;
  timeoutMs: number;
  intervalMs?: number;
}

/** Calls check until it returns a value other than undefined; the last error explains a timeout. */
export async function poll<T>(check: () => Promise<T | undefined>, options: PollOptions): Promise<T> {
  const deadline = performance.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
      lastError = undefined;
    } catch (err) {
      lastError = err;
    }
    if (performance.now() >= deadline) {
      const why = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${options.what}${why}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 500));
  }
}
