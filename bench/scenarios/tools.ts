/** Whether an external program the scenarios need is on PATH. */
import { execFileSync } from 'node:child_process';

export function commandExists(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
