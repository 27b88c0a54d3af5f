import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    // real Redis, Postgres, argon2id and a real browser: generous timeouts, two cores
    // (a loaded CI machine runs the browser walks at half speed: the limit is for hangs, not speed)
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
  },
});
