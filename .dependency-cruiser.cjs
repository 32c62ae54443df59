/**
 * The import-graph check `make check` runs (`npm run imports`; why dependency-cruiser:
 * docs/decisions/0002). Type-only imports count: a reader follows them like any other.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'Imports run one way, so a reader can follow the request path and the config path top-down; ' +
        'break a cycle by moving what both sides need into a file both import.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'resolvable',
      severity: 'error',
      comment: 'Every relative import names a file that exists (a cycle check on a graph with holes would miss cycles).',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules|bench/results)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.d.ts', '.js', '.mjs', '.cjs'],
    },
  },
};
