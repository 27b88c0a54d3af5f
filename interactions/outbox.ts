// The development outbox pages at /dev/outbox, mounted only with OUTBOX=true: every e-mail and
// text message Twofold would have sent, newest first, as the user would receive it; one
// e-mail's HTML part as its own document; a button that empties the outbox.
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import type { Context } from 'koa';
import { AppError } from '../src/errors.js';
import type { Csrf } from '../src/http/csrf.js';
import type { Outbox, OutboxMessage } from '../src/outbox/outbox.js';
import { formatTimestamp } from '../src/i18n/format.js';
import type { I18n, Translator } from '../src/i18n/i18n.js';
import { renderPage, translatorFor } from './render.js';
import type { Views } from './views.js';

export interface OutboxDeps {
  outbox: Outbox;
  views: Views;
  i18n: I18n;
  csrf: Csrf;
}

/**
 * An e-mail's own HTML, shown as sent: no script, no fetch, nothing from elsewhere; inline
 * styles and data: images only, and sandboxed so it runs as no origin of ours.
 */
export const emailViewCsp = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; sandbox";

const form = bodyParser({ enableTypes: ['form'], formLimit: '2kb', encoding: 'utf-8' });
const idPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function createOutboxRouter(deps: OutboxDeps) {
  const router = new Router({ prefix: '/dev/outbox' });

  router.get('/', (ctx) => {
    const tr = translatorFor(ctx, deps.i18n);
    const now = Date.now();
    renderPage(ctx, deps.views, tr, 'outbox', {
      title: tr.t('outbox.title'),
      wide: true,
      csrf: deps.csrf.token(ctx),
      messages: deps.outbox.list().map((m) => view(m, tr, now)),
    });
  });

  router.post('/clear', form, (ctx) => {
    deps.csrf.verify(ctx, (ctx.request.body as Record<string, unknown> | undefined)?.['csrf']);
    deps.outbox.clear();
    ctx.status = 303;
    ctx.redirect('/dev/outbox');
  });

  router.get('/:id', (ctx) => {
    const id = ctx.params['id'] ?? '';
    const message = idPattern.test(id) ? deps.outbox.get(id) : undefined;
    if (!message?.html) throw new AppError('not_found', 404, 'no such e-mail in the outbox');
    showEmailHtml(ctx, translatorFor(ctx, deps.i18n), message.html);
  });

  return router;
}

function showEmailHtml(ctx: Context, tr: Translator, html: string): void {
  const back = `<div style="margin:0;padding:10px 16px;background:#fff8c5;border-bottom:1px solid #d4a72c;color:#1b1f24;font:14px/1.4 system-ui,sans-serif;">${escapeHtml(tr.t('outbox.html_banner'))} <a href="/dev/outbox" style="color:#0847c2;">${escapeHtml(tr.t('outbox.back'))}</a></div>`;
  const body = /<body[^>]*>/i.exec(html);
  ctx.set('Content-Security-Policy', emailViewCsp);
  ctx.type = 'html';
  ctx.body = body ? html.slice(0, body.index + body[0].length) + back + html.slice(body.index + body[0].length) : back + html;
}

function view(m: OutboxMessage, tr: Translator, now: number) {
  const seconds = Math.round((m.time.getTime() - now) / 1000);
  const ago =
    Math.abs(seconds) < 60
      ? new Intl.RelativeTimeFormat(tr.lang, { numeric: 'auto' }).format(seconds, 'second')
      : Math.abs(seconds) < 3600
        ? new Intl.RelativeTimeFormat(tr.lang).format(Math.round(seconds / 60), 'minute')
        : undefined;
  return {
    id: m.id,
    channel: m.channel,
    from: m.from,
    to: m.to,
    subject: m.subject,
    text: m.text,
    hasHtml: Boolean(m.html),
    category: m.category,
    timeIso: m.time.toISOString(),
    time: formatTimestamp(tr, m.time),
    ago,
  };
}

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => escapes[c]!);
