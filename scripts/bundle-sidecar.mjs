/**
 * Bundles the sidecar into dist/sidecar/main.js (replacing tsc's file of that name), the one artefact
 * the image, the benchmark and the tests run (docs/decisions/0280). What main.ts imports lazily
 * (the control-plane client with gRPC, the file config source with yaml) lands in chunks of its
 * own under dist/sidecar/chunks/, read only when that mode starts. Runs after tsc (`npm run build`).
 */
import { build } from 'esbuild';
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist/sidecar`;
rmSync(`${outdir}/chunks`, { recursive: true, force: true });

const result = await build({
  absWorkingDir: root,
  entryPoints: { main: 'sidecar/main.ts' },
  outdir,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Whitespace and syntax only: function and class names stay, so stack traces stay readable
  // without source maps; the maps are there for `node --enable-source-maps` when debugging.
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: 'linked',
  legalComments: 'linked',
  // The CommonJS dependencies call require() for Node's built-ins, which an ES module lacks.
  banner: { js: "import { createRequire as __weftCreateRequire } from 'node:module'; const require = __weftCreateRequire(import.meta.url);" },
  metafile: true,
  logLevel: 'warning',
});
// The image runs the file itself, so its #! line (from main.ts, with the node flags) applies.
chmodSync(`${outdir}/main.js`, 0o755);
// sidecar/static-footprint.test.ts reads which sources each output file holds.
writeFileSync(`${outdir}/main.meta.json`, JSON.stringify(result.metafile));
