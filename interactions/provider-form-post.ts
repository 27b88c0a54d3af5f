// oidc-provider answers some requests with a page of its own that posts a form by itself:
// "log out" without a signed-in session (/session/end), and authorization responses with
// response_mode=form_post. Without JavaScript the user sees its text, hard-coded in English.
// This puts that text in the user's language (the page, its script and form stay as they are:
// the script's CSP hash was computed by oidc-provider).
import type { Middleware } from 'koa';
import type { I18n } from '../src/i18n/i18n.js';
import { translatorFor } from './render.js';

const marker = '<title>Submitting Callback</title>';
const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => escapes[c]!);

// oidc-provider's default routes that may answer with such a page (authorization, including
// its resume after an interaction, and end_session); everything else passes straight through
const formPostRoutes = /^\/(auth|session\/end)(\/|$)/;

export function localiseFormPostPage(deps: { i18n: I18n }): Middleware {
  return async (ctx, next) => {
    if (!formPostRoutes.test(ctx.path)) return next();
    await next();
    const body: unknown = ctx.body;
    if (typeof body !== 'string' || !body.includes(marker)) return;
    const tr = translatorFor(ctx, deps.i18n);
    ctx.set('Content-Language', tr.lang);
    ctx.vary('Accept-Language');
    ctx.body = body
      .replace('<html>', `<html lang="${tr.lang}">`)
      .replace(marker, `<meta charset="utf-8">\n  <title>${escapeHtml(tr.t('form_post.title'))} · ${escapeHtml(tr.t('product'))}</title>`)
      .replace("Your browser does not support JavaScript or you've disabled it.", escapeHtml(tr.t('form_post.noscript')))
      .replace('<button autofocus type="submit">Continue</button>', `<button autofocus type="submit">${escapeHtml(tr.t('form_post.continue'))}</button>`);
  };
}
