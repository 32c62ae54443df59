/** `weftctl inject [files...]`: the webhook's injection, offline, for manifests kept in git. */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { InjectionError } from '../../injector/errors.js';
import { injectManifests } from '../../injector/manifests.js';
import { parseInjectorSettings } from '../../injector/settings-file.js';
import type { CliIo } from './cli-io.js';

export function registerInject(program: Command, io: CliIo): void {
  program
    .command('inject')
    .description('add the weft sidecar to the pod templates of Kubernetes manifests (YAML, multi-document), as the webhook would')
    .argument('[files...]', 'YAML files; "-" (the default) reads stdin', ['-'])
    .option('--settings <file>', "the injector's settings as JSON (the control plane's --injector-settings; default: the built-in defaults)")
    .option('-q, --quiet', 'do not report each workload on stderr')
    .addHelpText(
      'after',
      `
Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs, CronJobs, Pods and the items of a List
get the sidecar unless their template says weft.dev/inject: disabled, uses the host network, or is
already injected; every other document is written unchanged. Each object is treated as if its
namespace were labelled weft.dev/inject: enabled. A bad weft.dev/* annotation stops with exit 1
and writes nothing.

  weftctl inject deploy.yaml | kubectl apply -f -
  kubectl get deploy web -o yaml | weftctl inject - > web.injected.yaml`,
    )
    .action(async (files: string[], opts: { settings?: string; quiet?: boolean }) => {
      try {
        const settings = parseInjectorSettings(opts.settings ? JSON.parse(readFileSync(opts.settings, 'utf8')) : {});
        const texts = await Promise.all(files.map((f) => (f === '-' ? io.readStdin() : io.readFile(f))));
        const { text, reports } = injectManifests(texts.map((t) => (t.endsWith('\n') || t === '' ? t : `${t}\n`)).join('---\n'), settings);
        io.stdout(text);
        if (!opts.quiet) for (const r of reports) io.stderr(`${r.object}: ${r.injected ? 'injected' : `skipped (${r.reason})`}\n`);
      } catch (err) {
        const known = err instanceof InjectionError || (err as NodeJS.ErrnoException).code !== undefined || err instanceof SyntaxError;
        io.stderr(`weftctl inject: ${known ? (err as Error).message : String((err as Error).stack ?? err)}\n`);
        process.exitCode = 1;
      }
    });
}
