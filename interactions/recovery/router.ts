// The pages behind our e-mail links (/recovery/link/<token>: one route, the link's purpose
// picks the page) and "Forgot your password?" (/recovery/forgot). A GET only shows a page; what
// a link does happens on the POST of that page's button (CSRF), so mail scanners that open
// links do not use them up.
import Router from '@koa/router';
import type { Context } from 'koa';
import type { LinkPurpose, LinkRecord } from '../../src/links/links.js';
import type { InteractionDeps } from '../context.js';
import { translatorFor } from '../render.js';
import { formBody } from '../router.js';
import { showConfirmEmail, submitConfirmEmail } from './confirm-email.js';
import { showCancelReset, showFactorResetLink, submitCancelReset, submitFactorResetLink } from './factor-reset.js';
import { showNotMe, submitNotMe } from './not-me.js';
import { renderLinkProblem } from './pages.js';
import { showForgot, showPasswordReset, submitForgot, submitPasswordReset } from './password-reset.js';

type LinkPage = (ctx: Context, deps: InteractionDeps, token: string, record: LinkRecord) => Promise<void>;

const pages: Record<LinkPurpose, { show: LinkPage; submit: LinkPage }> = {
  factor_reset: { show: showFactorResetLink, submit: submitFactorResetLink },
  password_reset: { show: showPasswordReset, submit: submitPasswordReset },
  email_confirmation: { show: showConfirmEmail, submit: (ctx, deps, token) => submitConfirmEmail(ctx, deps, token) },
  cancel_reset: { show: showCancelReset, submit: submitCancelReset },
  not_me: { show: showNotMe, submit: (ctx, deps, token) => submitNotMe(ctx, deps, token) },
  // an invitation sets the first password on the same page as a reset, in its own words
  invitation: { show: showPasswordReset, submit: submitPasswordReset },
};

export function createRecoveryRouter(deps: InteractionDeps) {
  const router = new Router({ prefix: '/recovery' });

  async function link(ctx: Context, which: 'show' | 'submit') {
    const token = String((ctx.params as Record<string, string>)['token'] ?? '');
    const found = await deps.links.peek(token);
    if (!found.ok) return renderLinkProblem(ctx, deps, translatorFor(ctx, deps.i18n), found);
    return pages[found.record.purpose][which](ctx, deps, token, found.record);
  }

  router.get('/link/:token', (ctx) => link(ctx, 'show'));
  router.post('/link/:token', formBody, (ctx) => {
    deps.csrf.verify(ctx, (ctx.request.body as Record<string, unknown> | undefined)?.['csrf']);
    return link(ctx, 'submit');
  });
  router.get('/forgot', (ctx) => showForgot(ctx, deps));
  router.post('/forgot', formBody, (ctx) => {
    deps.csrf.verify(ctx, (ctx.request.body as Record<string, unknown> | undefined)?.['csrf']);
    return submitForgot(ctx, deps);
  });
  return router;
}
