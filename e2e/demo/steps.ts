/**
 * Numbered steps with elapsed time for a long command a person watches (`make demo`): each step
 * writes what its commands print to a log file of its own, and a failed step names itself and
 * that log.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { CommandError, run, type RunOptions, type RunResult } from '../cluster/exec.js';

export class StepFailed extends Error {
  constructor(
    readonly step: string,
    readonly log: string,
    cause: unknown,
  ) {
    super(`step "${step}" failed: ${cause instanceof Error ? cause.message : String(cause)}\n  its log: ${log}`);
    this.name = 'StepFailed';
  }
}

export interface StepContext {
  /** Runs a command, its output appended to this step's log. */
  run(argv: readonly string[], options?: RunOptions): Promise<RunResult>;
  /** Runs a long command whose progress the person should see: its lines are shown and logged. */
  runShown(argv: readonly string[], env?: NodeJS.ProcessEnv): Promise<void>;
  /** A line for the person watching, indented under the step. */
  say(line: string): void;
  log: string;
}

export class Steps {
  private index = 0;
  private readonly started = performance.now();

  constructor(
    private readonly total: number,
    private readonly logDir: string,
    private readonly out: (line: string) => void = (line) => console.log(line),
  ) {
    mkdirSync(logDir, { recursive: true });
  }

  elapsed(): string {
    return `${((performance.now() - this.started) / 1000).toFixed(0)}s`;
  }

  async step<T>(title: string, body: (ctx: StepContext) => Promise<T>): Promise<T> {
    this.index++;
    const log = join(this.logDir, `${String(this.index).padStart(2, '0')}-${title.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.log`);
    writeFileSync(log, '');
    const t0 = performance.now();
    this.out(`[${this.index}/${this.total}] ${title} (at +${this.elapsed()})`);
    const ctx: StepContext = {
      log,
      say: (line) => this.out(`      ${line}`),
      runShown: (argv, env) => runShown(argv, log, (line) => this.out(`      ${line}`), env),
      run: async (argv, options = {}) => {
        appendFileSync(log, `$ ${argv.join(' ')}\n`);
        try {
          const result = await run(argv, options);
          appendFileSync(log, result.stdout + result.stderr);
          return result;
        } catch (err) {
          if (err instanceof CommandError) appendFileSync(log, err.stdout + err.stderr);
          throw err;
        }
      },
    };
    try {
      const value = await body(ctx);
      this.out(`      done in ${((performance.now() - t0) / 1000).toFixed(1)}s`);
      return value;
    } catch (err) {
      appendFileSync(log, `\n${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      throw new StepFailed(title, log, err);
    }
  }
}

/** Spawns argv with its output shown line by line and appended to `log`; rejects on a non-zero exit. */
function runShown(argv: readonly string[], log: string, show: (line: string) => void, env?: NodeJS.ProcessEnv): Promise<void> {
  appendFileSync(log, `$ ${argv.join(' ')}\n`);
  const [file, ...args] = argv;
  return new Promise((resolve, reject) => {
    const child = spawn(file!, args, { stdio: ['ignore', 'pipe', 'pipe'], env: env ?? process.env });
    const tail: string[] = [];
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => {
        appendFileSync(log, `${line}\n`);
        show(line);
        tail.push(line);
        if (tail.length > 20) tail.shift();
      });
    }
    child.on('error', (err) => reject(new CommandError(argv, null, '', '', `could not start: ${err.message}`)));
    child.on('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new CommandError(argv, code, '', tail.join('\n'), signal ? `killed by ${signal}` : `exited ${code}`));
    });
  });
}
