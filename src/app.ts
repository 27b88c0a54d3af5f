// The HTTP application: our own routes (health, assets, hosted pages, demo relying party) in
// front of oidc-provider, which answers everything else and ends every request it takes.
import Koa, { type Middleware } from 'koa';
import mount from 'koa-mount';
import type Provider from 'oidc-provider';
import { assets } from './http/assets.js';
import { healthRoutes } from './http/health.js';
import { requireHttps } from './http/require-https.js';
import { securityHeaders } from './http/security-headers.js';
import { sessionHint } from './oidc/session-end.js';
import type { Services } from './services.js';
import { adminPrefix, createAdminApi } from './admin/router.js';
import { createDemoRouter, type DemoAccount } from './demo/relying-party.js';
import { notFoundPage, renderErrors } from '../interactions/errors.js';
import { createAdminConsole } from '../interactions/admin/router.js';
import { createProfileRouter } from '../interactions/profile/router.js';
import { createInteractionRouter } from '../interactions/router.js';
import { createOutboxRouter } from '../interactions/outbox.js';
import { homePage } from '../interactions/home.js';
import { localiseFormPostPage } from '../interactions/provider-form-post.js';
import { createRecoveryRouter } from '../interactions/recovery/router.js';

export interface AppOptions {
  isShuttingDown?: () => boolean;
  /** the seeded demo account, when the demo relying party is served */
  demo?: DemoAccount | undefined;
}

/** Run a router only for its own paths: the token endpoint should not pay for route matching. */
// biome-ignore lint/suspicious/noExplicitAny: a router's context type is a superset of Koa's
function under(prefix: string, mw: Middleware<any, any>): Middleware {
  return (ctx, next) => (ctx.path.startsWith(prefix) ? mw(ctx, next) : next());
}

/** Delegate to whichever provider is in service now; each one is mounted once. */
function currentProvider(current: () => Provider): Middleware {
  const mounted = new WeakMap<Provider, Middleware>();
  return (ctx, next) => {
    const provider = current();
    let mw = mounted.get(provider);
    if (!mw) {
      mw = mount(provider as unknown as Koa);
      mounted.set(provider, mw);
    }
    return mw(ctx, next);
  };
}

export function createApp(services: Services, options: AppOptions = {}): Koa {
  const { config, log } = services;
  const app = new Koa({ proxy: config.trustProxy, keys: config.cookieKeys });
  app.silent = true;
  app.on('error', (err: unknown) => log.error({ err }, 'unhandled application error'));

  const probes = [
    { name: 'postgres', check: () => services.db.ping() },
    { name: config.redis.mode === 'external' ? 'redis' : 'memory_store', check: () => services.store.ping() },
  ];

  app.use(securityHeaders({ hsts: config.secureCookies }));
  app.use(healthRoutes(probes, options.isShuttingDown ?? (() => false)));
  app.use(sessionHint({ secureCookies: config.secureCookies, maxSeconds: config.session.maxSeconds }));
  app.use(requireHttps({ enabled: config.secureCookies, trustProxy: config.trustProxy, log }));
  app.use(assets());
  app.use(renderErrors(services));
  app.use(under('/interaction/', createInteractionRouter({ ...services, provider: services.providers.current }).routes()));
  app.use(under(adminPrefix, createAdminApi({ ...services, provider: services.providers.current })));
  app.use(under('/admin', createAdminConsole({ ...services, provider: services.providers.current }).routes())); // after the API: /admin/v1 never gets here
  app.use(under('/account', createProfileRouter({ ...services, provider: services.providers.current }).routes()));
  app.use(under('/recovery/', createRecoveryRouter({ ...services, provider: services.providers.current }).routes()));
  if (config.outbox && services.outbox) {
    app.use(under('/dev/outbox', createOutboxRouter({ ...services, outbox: services.outbox }).routes()));
  }
  if (options.demo) {
    app.use(under('/demo', createDemoRouter({ ...services, account: options.demo }).routes()));
  }
  app.use(homePage({ ...services, demo: Boolean(options.demo) }));
  app.use(localiseFormPostPage(services));
  app.use(currentProvider(services.providers.current));
  app.use(notFoundPage(services));
  return app;
}
