// The pages oidc-provider renders itself (errors, logout confirmation, signed out), in our
// layout and words. Error pages never echo the library's message: the user gets our text for
// the error code, and the code itself for support.
import { errors, type KoaContextWithOIDC } from 'oidc-provider';
import type { Logger } from '../src/log.js';
import type { ProviderPages } from '../src/oidc/pages.js';
import { localClientName } from '../src/i18n/client-name.js';
import { languages, type I18n } from '../src/i18n/i18n.js';
import { errorMessage, renderMessage, renderPage, translatorFor } from './render.js';
import { createViews, type Views } from './views.js';

export function createProviderPages(deps: { views: Views; i18n: I18n; log: Logger }): ProviderPages {
  const { views, i18n } = deps;
  return {
    languages,
    async renderError(ctx, out, error) {
      const tr = translatorFor(ctx, i18n);
      // a stored client that fails validation is the app's misconfiguration, whatever code
      // oidc-provider derives from the message (invalid_redirect_uri for redirect_uris problems)
      const code = error instanceof errors.InvalidClientMetadata ? 'invalid_client_metadata' : out.error;
      if (ctx.status >= 500) deps.log.error({ err: error }, 'provider error');
      renderMessage(ctx, views, tr, errorMessage(tr, code), ctx.status);
    },
    async logoutSource(ctx, form) {
      const tr = translatorFor(ctx, i18n);
      const client = ctx.oidc.client ? localClientName(tr, ctx.oidc.client.clientName ?? ctx.oidc.client.clientId) : undefined;
      renderPage(ctx, views, tr, 'logout', { title: tr.t('logout.title'), form, client });
    },
    async postLogoutSuccessSource(ctx: KoaContextWithOIDC) {
      const tr = translatorFor(ctx, i18n);
      const client = ctx.oidc.client ? localClientName(tr, ctx.oidc.client.clientName ?? ctx.oidc.client.clientId) : undefined;
      const body = client ? tr.t('logout.done_body_client', { client }) : tr.t('logout.done_body');
      renderMessage(ctx, views, tr, { title: tr.t('logout.done_title'), heading: tr.t('logout.done_heading'), paragraphs: [body] }, 200);
    },
  };
}

/** For createServices: our provider pages, with their own templates. */
export const hostedProviderPages =
  (log: Logger) =>
  (i18n: I18n): ProviderPages =>
    createProviderPages({ views: createViews(), i18n, log });
