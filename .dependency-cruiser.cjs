/**
 * The import-graph check `make check` runs (`npm run imports`; why dependency-cruiser:
 * docs/decisions/0002). Type-only imports count: a reader follows them like any other.
 */

/**
 * The sidecar's floors, bottom first (docs/decisions/0003). A folder may import its own floor and
 * the floors below it, never one above, so a reader can learn the sidecar bottom-up and a change
 * to an upper floor cannot break a lower one. Tests and test helpers are exempt: they drive a
 * lower floor through the whole sidecar (`sidecar/testing/`).
 */
const sidecarFloors = [
  // Where a connection was meant to go (the native SO_ORIGINAL_DST lookup) and the init program.
  ['interception'],
  // The layer contract (types.ts) and the small pieces every floor above shares: request body,
  // abort state, trace context, response-body watchers, per-service keyed state, sliding counts.
  ['pipeline'],
  // The wire (protocol/, listeners/), where a request goes (routing/), which endpoint (balancer/).
  ['protocol', 'listeners', 'routing', 'balancer'],
  // The policy layers and their order.
  ['policy'],
  // The forwarder and connection pools: the end of the chain, enforcing connection limits and
  // per-try timeouts with the policy layers' event interfaces.
  ['upstream'],
  // Metrics, tracing, access log: they watch every floor below and change none.
  ['observe'],
];
// The top floor is everything else under sidecar/: the assembly at its root (sidecar.ts,
// outbound.ts, inbound.ts, main.ts), admin/, config-source/, demo/, testing/.

const floorRules = sidecarFloors.map((floor, i) => {
  const above = sidecarFloors.slice(i + 1).flat();
  return {
    name: `sidecar-floor-${floor.join('-')}`,
    severity: 'error',
    comment:
      `sidecar/{${floor.join(',')}}/ is floor ${i + 1} of the sidecar (docs/contributing.md, "Shape of the sidecar"): ` +
      'it may not import a floor above it, nor the assembly at sidecar/ root, admin/, config-source/, demo/ or testing/.',
    from: { path: `^sidecar/(${floor.join('|')})/`, pathNot: '(\\.test\\.ts$|/testing/)' },
    to: { path: `^sidecar/(${[...above, 'admin', 'config-source', 'demo', 'testing'].join('|')})/|^sidecar/[^/]+$` },
  };
});

module.exports = {
  forbidden: [
    ...floorRules,
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
