// Start a real Twofold instance for a test: real Postgres (the run's database), real Redis
// (the run's prefix plus a per-instance or shared sub-prefix), listening on a loopback port.
// Config comes from the same parser production uses, with a small delta per test.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { parseConfig, type Config } from '../../src/config/index.js';
import { createApp } from '../../interactions/app.js';
import { hostedProviderPages } from '../../interactions/provider-pages.js';
import { createLogger } from '../../src/log.js';
import { createServices, type Services } from '../../src/services.js';
import type { Clock } from '../../src/clock.js';
import { seedDemo } from '../../src/demo/seed.js';
import type { DemoAccount } from '../../src/demo/seed.js';

export const testSecrets = {
  ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
  COOKIE_KEYS: 'test-cookie-key-0123456789abcdefghijklmnopqrstuvwxyz',
};

export interface TestApp {
  url: string;
  config: Config;
  services: Services;
  server: Server;
  /** the seeded demo account, when started with `demo: true` */
  demo?: DemoAccount;
  close(): Promise<void>;
}

export function uniquePrefix(): string {
  return `${inject('redisPrefix')}${randomBytes(4).toString('hex')}:`;
}

/**
 * env: config delta (strings, as in the environment). ISSUER defaults to the listening URL;
 * pass `issuer` to run several instances behind one public URL.
 * demo: seed the demo account and client and serve /demo, as main.ts does with DEMO=true. The
 * demo user and client are fixed names in the run's shared database, so only one instance at a
 * time should use it; its generated password goes to a temporary DATA_DIR, not the repository.
 */
export async function startTestApp(opts: { env?: Record<string, string>; clock?: Clock; server?: Server; demo?: boolean } = {}): Promise<TestApp> {
  const server = opts.server ?? createServer();
  if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const demoDir = opts.demo && !opts.env?.['DATA_DIR'] ? await mkdtemp(join(tmpdir(), 'twofold-demo-')) : undefined;
  const config = parseConfig({
    DATABASE_URL: inject('databaseUrl'),
    REDIS_URL: inject('redisUrl'),
    REDIS_PREFIX: uniquePrefix(),
    ISSUER: `http://127.0.0.1:${port}`,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...testSecrets,
    ...(opts.demo ? { DEMO: 'true' } : {}),
    ...(demoDir ? { DATA_DIR: demoDir } : {}),
    ...opts.env,
  }) as Config;
  const log = createLogger(config.logLevel);
  const services = await createServices(config, log, { providerPages: hostedProviderPages(log), clock: opts.clock });
  const demo = opts.demo ? await seedDemo(services) : undefined;
  const app = createApp(services, { demo });
  server.removeAllListeners('request');
  server.on('request', app.callback());
  return {
    url: `http://127.0.0.1:${port}`,
    config,
    services,
    server,
    ...(demo ? { demo } : {}),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await services.close();
      if (demoDir) await rm(demoDir, { recursive: true, force: true });
    },
  };
}
