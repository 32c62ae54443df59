import { defineConfig } from 'vitest/config';

// End-to-end suites on a real cluster. `make e2e` brings the local cluster up and runs this config
// inside the cluster's network namespace, where the apiserver and the service VIPs are reachable.
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.test.ts'],
    exclude: ['**/node_modules/**', 'dist/**'],
    globalSetup: ['e2e/cluster/global-setup.ts'],
    testTimeout: 180_000,
    hookTimeout: 300_000,
    pool: 'forks',
    // Suites share one cluster; one at a time keeps a 2-core machine's timings sane.
    fileParallelism: false,
  },
});
