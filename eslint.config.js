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
  {
    // Command-line entry points, scripts, tests and benchmarks may print and read the wall clock.
    files: ['**/*.test.ts', '**/testing/**', 'bench/**', 'e2e/**', '**/cli/**', '**/main.ts', '.ci/**', 'scripts/**'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);
