import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
    globalSetup: ['test/support/temp-root.ts'],
    reporters: ['default', 'json'],
    outputFile: { json: 'out/test-results.json' },
  },
});
