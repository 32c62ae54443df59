// @ts-check
import tseslint from 'typescript-eslint';

// Bans, each with its reason, so a reviewer does not have to remember them.
const bannedForLibraryCode = [
  {
    selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
    message: 'Time is injected: take a Clock (common/clock.ts) so timing logic can be tested on a fake clock.',
  },
  {
    selector: "CallExpression[callee.object.name='console']",
    message: 'Log through pino (common/log.ts): JSON lines with levels, not console output.',
  },
];

// The two sides never import each other (docs/decisions/0001): they ship as separate images, so an
// import across would drag one side's code (and its dependencies) into the other's image and tie
// their changes together. What both need lives in common/; code that drives both at once (a
// benchmark, an end-to-end suite) lives in bench/ or e2e/. Tests may drive both sides together.
const sideImport = (other) => ({
  patterns: [
    {
      regex: `(^|/)${other}/`,
      message: `sidecar/ and control-plane/ never import each other (docs/decisions/0001): move shared code to common/, or code that drives both to bench/ or e2e/.`,
    },
  ],
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'bench/results/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': ['error', ...bannedForLibraryCode],
    },
  },
  { files: ['sidecar/**/*.ts'], ignores: ['**/*.test.ts'], rules: { 'no-restricted-imports': ['error', sideImport('control-plane')] } },
  { files: ['control-plane/**/*.ts'], ignores: ['**/*.test.ts'], rules: { 'no-restricted-imports': ['error', sideImport('sidecar')] } },
  {
    files: ['common/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ regex: '(^|/)(sidecar|control-plane)/', message: 'common/ is below both sides and imports neither (docs/decisions/0001).' }] }] },
  },
  {
    // Command-line entry points, scripts, tests and benchmarks may print and read the wall clock.
    files: ['**/*.test.ts', '**/testing/**', 'bench/**', 'e2e/**', '**/main.ts', '.ci/**', 'scripts/**'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);
