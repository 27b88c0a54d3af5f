// Rendering helpers shared by the routes: pick the language, render a page, render a message
// page (expired interaction, errors) with a status.
import type { Context } from 'koa';
import { pickLanguage, type I18n, type Translator } from './i18n.js';
import type { PageData, Views } from './views.js';

export function translatorFor(ctx: Context, i18n: I18n, uiLocales?: string): Translator {
  return i18n.forLanguage(pickLanguage(uiLocales, ctx.get('accept-language')));
}

export function renderPage(ctx: Context, views: Views, tr: Translator, template: string, data: PageData, status = 200): void {
  ctx.status = status;
  ctx.type = 'html';
  ctx.body = views.page(template, tr, data);
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
