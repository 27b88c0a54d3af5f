// Twofold as the bench runs it, in its own process: services and app built the way
// test/support/app.ts builds them (the production config parser, real Postgres and Redis),
// listening on a loopback port that is also the issuer. Started by bench/run.ts.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../interactions/app.js';
import { parseConfig, type Config } from '../src/config/index.js';
import { createLogger } from '../src/log.js';
import { hostedProviderPages } from '../interactions/provider-pages.js';
import { createServices } from '../src/services.js';
import { countRoundTrips } from './counters.js';
import { reportFailure, serveParent } from './ipc.js';

async function main() {
  const server = createServer();
  const counters = countRoundTrips(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const config = parseConfig({
    DATABASE_URL: process.env.DATABASE_URL,
    REDIS_URL: process.env.REDIS_URL,
    REDIS_PREFIX: process.env.REDIS_PREFIX,
    ENCRYPTION_KEY: process.env.ENCRYPTION_KEY,
    COOKIE_KEYS: process.env.COOKIE_KEYS,
    ISSUER: `http://127.0.0.1:${port}`,
    LOG_LEVEL: 'silent',
  }) as Config;
  const log = createLogger(config.logLevel);
  const services = await createServices(config, log, { providerPages: hostedProviderPages(log) });
  server.on('request', createApp(services).callback());
  server.keepAliveTimeout = 65_000;

  serveParent(
    port,
    async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await services.close();
    },
    counters,
  );
}

main().catch(reportFailure);
