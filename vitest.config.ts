import { defineConfig } from 'vitest/config';

// Two projects. `unit`: files named *.unit.test.ts — logic only, no Postgres, Redis, browser or
// server (npm run test:unit, a few seconds). `integration`: every other test file, against the
// real Postgres and Redis the global setup prepares (a database and key prefix per run) and a
// real Chromium. `npm test` runs both.
export default defineConfig({
  test: {
    // real Redis, Postgres, argon2id and a real browser: generous timeouts, two cores
    // (a loaded CI machine runs the browser walks at half speed: the limit is for hangs, not speed)
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.unit.test.ts'] } },
      { extends: true, test: { name: 'integration', include: ['test/**/*.test.ts'], exclude: ['test/**/*.unit.test.ts'], globalSetup: ['test/support/global-setup.ts'] } },
    ],
  },
});
