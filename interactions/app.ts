// The HTTP application: our own routes (health, assets, hosted pages, demo relying party) in
// front of oidc-provider, which answers everything else and ends every request it takes.
import Koa, { type Middleware } from 'koa';
import mount from 'koa-mount';
import type Provider from 'oidc-provider';
import { assets } from '../src/http/assets.js';
import { healthRoutes } from '../src/http/health.js';
import { metricsRoute } from '../src/http/metrics-route.js';
import { requireHttps } from '../src/http/require-https.js';
import { securityHeaders } from '../src/http/security-headers.js';
import { sessionHint } from '../src/oidc/session-end.js';
import type { Services } from '../src/services.js';
import type { InteractionDeps } from './context.js';
import { createViews } from './views.js';
import { adminPrefix, createAdminApi } from '../src/admin/router.js';
import { createDemoRouter } from './demo/relying-party.js';
import type { DemoAccount } from '../src/demo/seed.js';
import { notFoundPage, renderErrors } from './errors.js';
import { createAdminConsole } from './admin/router.js';
import { createProfileRouter } from './profile/router.js';
import { createInteractionRouter } from './router.js';
import { createOutboxRouter } from './outbox.js';
import { homePage } from './home.js';
import { localiseFormPostPage } from './provider-form-post.js';
import { createRecoveryRouter } from './recovery/router.js';

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
  app.use(metricsRoute(services.metrics, config.metricsToken));
  app.use(sessionHint({ secureCookies: config.secureCookies, maxSeconds: config.session.maxSeconds }));
  app.use(requireHttps({ enabled: config.secureCookies, trustProxy: config.trustProxy, log }));
  app.use(assets());
  // what every page needs: the services, the provider in service now, the templates
  const deps: InteractionDeps = { ...services, provider: services.providers.current, views: createViews() };

  app.use(renderErrors(deps));
  app.use(under('/interaction/', createInteractionRouter(deps).routes()));
  app.use(under(adminPrefix, createAdminApi(deps)));
  app.use(under('/admin', createAdminConsole(deps).routes())); // after the API: /admin/v1 never gets here
  app.use(under('/account', createProfileRouter(deps).routes()));
  app.use(under('/recovery/', createRecoveryRouter(deps).routes()));
  if (config.outbox && services.outbox) {
    app.use(under('/dev/outbox', createOutboxRouter({ ...deps, outbox: services.outbox }).routes()));
  }
  if (options.demo) {
    app.use(under('/demo', createDemoRouter({ ...deps, account: options.demo }).routes()));
  }
  app.use(homePage({ ...deps, demo: Boolean(options.demo) }));
  app.use(localiseFormPostPage(deps));
  app.use(currentProvider(services.providers.current));
  app.use(notFoundPage(deps));
  return app;
}
