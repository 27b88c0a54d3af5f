// The one wiring point: load config, build services, build the app, listen, shut down
// gracefully on SIGTERM/SIGINT. Nothing else exits the process.
import type { Server } from 'node:http';
import { type Config, ConfigError, loadConfig } from './config/index.js';
import { isAppError } from './errors.js';
import { createLogger } from './log.js';
import { createApp } from '../interactions/app.js';
import { hostedProviderPages } from '../interactions/provider-pages.js';
import { createServices } from './services.js';
import { seedDemo } from './demo/seed.js';
import { startSweeper } from './maintenance/sweep.js';

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`Twofold cannot start.\n${err.message}\nSee README.md, section Configuration.\n`);
      process.exit(2);
    }
    throw err;
  }
  const log = createLogger(config.logLevel);
  const services = await createServices(config, log, { providerPages: hostedProviderPages(log) });
  const demo = config.demo ? await seedDemo(services) : undefined;
  // expired remembered-device rows, every account's: now and hourly (maintenance/sweep.ts)
  const sweeper = startSweeper(services);

  let shuttingDown = false;
  const app = createApp(services, { isShuttingDown: () => shuttingDown, demo });
  const server: Server = app.listen(config.port, config.host);
  // installed before anything is printed: whoever reads our output may signal us at once
  const shutdown = (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    log.info({ signal }, 'shutting down: finishing requests in flight');
    const force = setTimeout(() => {
      log.warn('shutdown took too long; exiting');
      process.exit(1);
    }, 10_000);
    force.unref();
    server.close(async () => {
      await sweeper.stop();
      await services.close().catch((err: unknown) => log.error({ err }, 'error while closing services'));
      log.info('stopped');
      process.exit(0);
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  server.keepAliveTimeout = 65_000;

  log.info({ issuer: config.issuer, host: config.host, port: config.port }, 'Twofold is listening');
  process.stdout.write(
    [
      '',
      `  Twofold is running: ${config.issuer}  (open it in a browser to start)`,
      `  Discovery:          ${config.issuer}/.well-known/openid-configuration`,
      ...(demo
        ? [
            `  Try it:             open ${config.issuer}/demo and click "Sign in"`,
            `  Demo user:          ${demo.email} / ${demo.password}`,
            `  Admin console:      ${config.issuer}/admin (as the demo user, an administrator on a new data directory)`,
          ]
        : []),
      '',
      '',
    ].join('\n'),
  );
}

main().catch((err: unknown) => {
  // our own start-up refusals (a locked data directory, …) are sentences, not stack traces
  const detail = isAppError(err) && err.expose ? err.message : ((err as Error)?.stack ?? String(err));
  process.stderr.write(`Twofold failed to start: ${detail}\n`);
  process.exit(1);
});
