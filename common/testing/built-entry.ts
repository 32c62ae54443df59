/** Process tests run the built entry points (dist/, the sidecar bundled); `make test` builds first, a bare vitest run builds here. */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { beforeAll } from 'vitest';

const root = new URL('../../', import.meta.url);

/** The URL of `dist/<path>` (e.g. `sidecar/main.js`), compiled before the file's tests when missing. */
export function builtEntry(path: string): URL {
  const entry = new URL(`dist/${path}`, root);
  beforeAll(() => {
    if (!existsSync(entry)) execFileSync('npm', ['run', '--silent', 'build'], { cwd: root.pathname, stdio: 'ignore' });
  }, 180_000);
  return entry;
}
