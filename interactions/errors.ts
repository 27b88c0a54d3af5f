// The edge where errors from our own routes become pages: every failure says what happened
// and what to do next, with the right status, and never leaks internals. oidc-provider renders
// its own errors through provider-pages.ts.
import type { Middleware } from 'koa';
import { isAppError } from '../src/errors.js';
import type { Logger } from '../src/log.js';
import type { I18n } from '../src/i18n/i18n.js';
import { errorMessage, renderMessage, translatorFor } from './render.js';
import type { Views } from './views.js';

const statusCodes: Record<number, string> = { 400: 'bad_request', 403: 'csrf_failed', 404: 'not_found', 413: 'payload_too_large', 415: 'bad_request' };

export function renderErrors(deps: { views: Views; i18n: I18n; log: Logger }): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      if (ctx.headerSent || !ctx.writable) {
        deps.log.error({ err }, 'error after response was sent');
        return;
      }
      const tr = translatorFor(ctx, deps.i18n);
      if (isAppError(err) && err.code === 'interaction_expired') {
        deps.log.info({ reason: err.message }, 'interaction expired');
        return renderMessage(ctx, deps.views, tr, { title: tr.t('expired.title'), paragraphs: [tr.t('expired.body'), tr.t('expired.what_next')] }, 400);
      }
      const e = err as { status?: number; statusCode?: number; expose?: boolean; code?: string; message?: string };
      const status = isAppError(err) ? err.status : (e.status ?? e.statusCode ?? 500);
      const code = isAppError(err) ? err.code : status >= 500 ? 'server_error' : (statusCodes[status] ?? 'bad_request');
      if (status >= 500) deps.log.error({ err, path: ctx.path }, 'request failed');
      else deps.log.info({ code, path: ctx.path, reason: e.message }, 'request rejected');
      renderMessage(ctx, deps.views, tr, errorMessage(tr, code), status >= 400 && status < 600 ? status : 500);
    }
  };
}

/** After everything else: a path nobody answered gets our 404 page instead of Koa's plain text. */
export function notFoundPage(deps: { views: Views; i18n: I18n }): Middleware {
  return async (ctx) => {
    if (ctx.body !== undefined && ctx.body !== null) return;
    const tr = translatorFor(ctx, deps.i18n);
    renderMessage(ctx, deps.views, tr, errorMessage(tr, 'not_found'), 404);
  };
}
