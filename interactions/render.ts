// Rendering helpers shared by the routes: pick the language, render a page, render a message
// page (expired interaction, errors) with a status.
import type { Context } from 'koa';
import { localClientName } from '../src/i18n/client-name.js';
import { pickLanguage, type I18n, type Translator } from '../src/i18n/i18n.js';
import type { PageData, Views } from './views.js';

/**
 * The translator for this request. ui_locales, in this order: the one a route passes (the
 * interaction's authorization request), the one loadInteraction() remembered for this request
 * (so an error thrown later in a sign-in step keeps the sign-in's language), the one
 * oidc-provider parsed (its own error and logout pages), a `?ui_locales=` on our own pages;
 * then Accept-Language; then English.
 */
export function translatorFor(ctx: Context, i18n: I18n, uiLocales?: string): Translator {
  return i18n.forLanguage(pickLanguage(uiLocales ?? requestUiLocales(ctx), ctx.get('accept-language')));
}

const asString = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

function requestUiLocales(ctx: Context): string | undefined {
  const oidc = (ctx as Context & { oidc?: { params?: Record<string, unknown> } }).oidc;
  return asString(ctx.state['uiLocales']) ?? asString(oidc?.params?.['ui_locales']) ?? asString(ctx.query['ui_locales']);
}

/** Remember the interaction's ui_locales for the rest of this request (see translatorFor). */
export function rememberUiLocales(ctx: Context, uiLocales: unknown): void {
  if (asString(uiLocales)) ctx.state['uiLocales'] = uiLocales;
}

/** Data for every page this request renders, in the page's language; a page's own data wins. */
export type EveryPageData = (tr: Translator) => Record<string, unknown>;

/**
 * Give every page this request renders some data, whichever route renders it (My profile's idle
 * warning: profile/stay-signed-in.ts, shown by layout.eta). A page turns it off by passing the
 * same key as undefined.
 */
export function addToEveryPage(ctx: Context, data: EveryPageData): void {
  ctx.state['everyPage'] = data;
}

export function renderPage(ctx: Context, views: Views, tr: Translator, template: string, data: PageData, status = 200): void {
  ctx.status = status;
  ctx.type = 'html';
  ctx.set('Content-Language', tr.lang);
  ctx.vary('Accept-Language');
  const everyPage = ctx.state['everyPage'] as EveryPageData | undefined;
  const all: PageData = everyPage ? { ...everyPage(tr), ...data } : data;
  // a page that names the app: our own profile's client by its name in this language
  ctx.body = views.page(template, tr, typeof all['client'] === 'string' ? { ...all, client: localClientName(tr, all['client']) } : all);
}

export interface MessagePage {
  title: string;
  heading?: string;
  paragraphs: string[];
  code?: string;
  link?: { href: string; text: string };
}

export function renderMessage(ctx: Context, views: Views, tr: Translator, page: MessagePage, status: number): void {
  renderPage(ctx, views, tr, 'message', { ...page, heading: page.heading ?? page.title, error: status >= 400 }, status);
}

/** The message page for an error code: our heading and text when we have them, generic otherwise. */
export function errorMessage(tr: Translator, code: string): MessagePage {
  const heading = tr.t(`error.heading_${code}`, { defaultValue: '' }) || tr.t('error.title');
  const text = tr.t(`error.${code}`, { defaultValue: '' }) || tr.t('error.generic');
  return { title: heading, heading, paragraphs: [text, tr.t('error.what_next')], code };
}
