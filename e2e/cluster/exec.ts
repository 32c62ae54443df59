/** Runs external commands (kubectl, helm, kind, the cluster scripts) with typed failures. */
import { spawn } from 'node:child_process';

export interface RunOptions {
  /** Written to the command's stdin, then closed. */
  input?: string;
  /** Pass the command's output straight through (progress of long steps) instead of capturing it. */
  inherit?: boolean;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs?: number;
}

export interface RunResult {
  stdout: string;
  stderr: string;
}

/** A command that exited non-zero, could not start, or ran out of time. */
export class CommandError extends Error {
  readonly code = 'E2E_COMMAND_FAILED';
  constructor(
    readonly argv: readonly string[],
    readonly exitCode: number | null,
    readonly stdout: string,
    readonly stderr: string,
    reason: string,
  ) {
    super(`${argv.join(' ')}: ${reason}${stderr ? `\n${stderr.trim().split('\n').slice(-20).join('\n')}` : ''}`);
    this.name = 'CommandError';
  }
}

export function run(argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const [file, ...args] = argv;
  if (file === undefined) return Promise.reject(new Error('run: empty argv'));
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', options.inherit ? 'inherit' : 'pipe', options.inherit ? 'inherit' : 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer =
      options.timeoutMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new CommandError(argv, null, stdout, stderr, `could not start: ${err.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve({ stdout, stderr });
      else reject(new CommandError(argv, code, stdout, stderr, signal ? `killed by ${signal}` : `exited ${code}`));
    });
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}
