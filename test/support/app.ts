// Start a real Twofold instance for a test: real Postgres (the run's database), real Redis
// (the run's prefix plus a per-instance or shared sub-prefix), listening on a loopback port.
// Config comes from the same parser production uses, with a small delta per test.
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inject } from 'vitest';
import { parseConfig, type Config } from '../../src/config/index.js';
import { createApp } from '../../src/app.js';
import { createLogger } from '../../src/log.js';
import { createServices, type Services } from '../../src/services.js';
import type { Clock } from '../../src/clock.js';

export const testSecrets = {
  ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
  COOKIE_KEYS: 'test-cookie-key-0123456789abcdefghijklmnopqrstuvwxyz',
};

export interface TestApp {
  url: string;
  config: Config;
  services: Services;
  server: Server;
  close(): Promise<void>;
}

export function uniquePrefix(): string {
  return `${inject('redisPrefix')}${randomBytes(4).toString('hex')}:`;
}

/**
 * env: config delta (strings, as in the environment). ISSUER defaults to the listening URL;
 * pass `issuer` to run several instances behind one public URL.
 */
export async function startTestApp(opts: { env?: Record<string, string>; clock?: Clock; server?: Server } = {}): Promise<TestApp> {
  const server = opts.server ?? createServer();
  if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const config = parseConfig({
    DATABASE_URL: inject('databaseUrl'),
    REDIS_URL: inject('redisUrl'),
    REDIS_PREFIX: uniquePrefix(),
    ISSUER: `http://127.0.0.1:${port}`,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...testSecrets,
    ...opts.env,
  }) as Config;
  const services = await createServices(config, createLogger(config.logLevel), opts.clock);
  const app = createApp(services);
  server.removeAllListeners('request');
  server.on('request', app.callback());
  return {
    url: `http://127.0.0.1:${port}`,
    config,
    services,
    server,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await services.close();
    },
  };
}
