// The issuer root `/`: a small page for a person who opens the provider's address (the start
// banner prints it). It links to what a person can do here — My profile, the demo app when it
// is served, the development outbox when it is on — and to the discovery document for developers.
import type { Middleware } from 'koa';
import type { Config } from '../src/config/index.js';
import type { I18n } from '../src/i18n/i18n.js';
import { renderPage, translatorFor } from './render.js';
import type { Views } from './views.js';

export function homePage(deps: { config: Config; views: Views; i18n: I18n; demo: boolean }): Middleware {
  const discovery = `${deps.config.issuer}/.well-known/openid-configuration`;
  return async (ctx, next) => {
    if (ctx.path !== '/' || (ctx.method !== 'GET' && ctx.method !== 'HEAD')) return next();
    const tr = translatorFor(ctx, deps.i18n);
    ctx.set('Cache-Control', 'no-store');
    renderPage(ctx, deps.views, tr, 'home', {
      title: tr.t('home.title'),
      demo: deps.demo,
      outbox: deps.config.outbox,
      discovery,
      issuer: deps.config.issuer,
    });
  };
}
