// "This wasn't me", from a security e-mail: a page that says what the button does, then (POST,
// CSRF) every session of the account ends, every remembered device is forgotten, and the page
// says what to do next (choose a new password).
import type { Context } from 'koa';
import type { LinkRecord } from '../../src/links/links.js';
import type { InteractionDeps } from '../context.js';
import { translatorFor } from '../render.js';
import { signOutEverywhere } from '../../src/recovery/actions.js';
import { renderLinkProblem, renderRecovery, requestContext } from './pages.js';

export async function showNotMe(ctx: Context, deps: InteractionDeps, token: string, _record: LinkRecord): Promise<void> {
  const tr = translatorFor(ctx, deps.i18n);
  renderRecovery(ctx, deps, tr, {
    title: tr.t('not_me.title'),
    paragraphs: [tr.t('not_me.intro'), tr.t('not_me.effects')],
    form: { action: `/recovery/link/${token}`, button: tr.t('not_me.submit') },
  });
}

export async function submitNotMe(ctx: Context, deps: InteractionDeps, token: string): Promise<void> {
  const tr = translatorFor(ctx, deps.i18n);
  const taken = await deps.links.take(token);
  if (!taken.ok) return renderLinkProblem(ctx, deps, tr, taken);
  const { accountId } = taken.record;
  await signOutEverywhere(deps, accountId, 'not_me', requestContext(ctx));
  await deps.audit.record({ type: 'account.signed_out_everywhere', accountId, ...requestContext(ctx), details: { reason: 'not_me' } });
  renderRecovery(ctx, deps, tr, {
    title: tr.t('not_me.done_title'),
    paragraphs: [tr.t('not_me.done'), tr.t('not_me.done_next')],
    link: { href: '/recovery/forgot', text: tr.t('not_me.new_password') },
  });
}
