import { defineConfig } from 'vitest/config';

// Unit and integration tests: real sockets and processes on loopback, no cluster.
// The end-to-end suites on the local Kubernetes cluster have their own config under e2e/.
export default defineConfig({
  test: {
    include: ['{common,sidecar,control-plane,charts,bench,e2e,docs,scripts}/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'dist/**', '**/*.e2e.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    globalSetup: ['common/testing/private-tmpdir.ts'],
  },
});
