/** Process tests run the built entry points (dist/); `make test` builds first, a bare `make unit` builds here. */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { beforeAll } from 'vitest';

const root = new URL('../../', import.meta.url);

/** The URL of `dist/<path>` (e.g. `sidecar/main.js`), compiled before the file's tests when missing. */
export function builtEntry(path: string): URL {
  const entry = new URL(`dist/${path}`, root);
  beforeAll(() => {
    if (!existsSync(entry)) execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root.pathname, stdio: 'ignore' });
  }, 180_000);
  return entry;
}
