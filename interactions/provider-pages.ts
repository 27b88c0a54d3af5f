// The pages oidc-provider renders itself (errors, logout confirmation, signed out), in our
// layout and words. Error pages never echo the library's message: the user gets our text for
// the error code, and the code itself for support.
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { Logger } from '../src/log.js';
import type { ProviderPages } from '../src/oidc/pages.js';
import type { I18n } from './i18n.js';
import { renderMessage, renderPage, translatorFor } from './render.js';
import type { Views } from './views.js';

export function createProviderPages(deps: { views: Views; i18n: I18n; log: Logger }): ProviderPages {
  const { views, i18n } = deps;
  return {
    async renderError(ctx, out, error) {
      const tr = translatorFor(ctx, i18n);
      // redirect_uri mismatch is reported as invalid_request; say what it means
      const code = out.error === 'invalid_request' && /redirect_uri/.test(out.error_description ?? '') ? 'invalid_redirect_uri' : out.error;
      if (ctx.status >= 500) deps.log.error({ err: error }, 'provider error');
      const known = tr.t(`error.${code}`, { defaultValue: '' });
      renderMessage(ctx, views, tr, { title: tr.t('error.title'), paragraphs: [known || tr.t('error.generic'), tr.t('error.what_next')], code: out.error }, ctx.status);
    },
    async logoutSource(ctx, form) {
      const tr = translatorFor(ctx, i18n);
      renderPage(ctx, views, tr, 'logout', { title: tr.t('logout.title'), form, host: new URL(ctx.oidc.issuer).host });
    },
    async postLogoutSuccessSource(ctx: KoaContextWithOIDC) {
      const tr = translatorFor(ctx, i18n);
      renderMessage(ctx, views, tr, { title: tr.t('logout.done_title'), heading: tr.t('logout.done_heading'), paragraphs: [tr.t('logout.done_body')] }, 200);
    },
  };
}
