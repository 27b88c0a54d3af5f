// The pages and routes of the organisation's two-step verification policy in the sign-in: the
// invitation to set up a second factor, and the page for an app the policy cannot serve. What
// the policy decides is in policy-step.ts.
import type { Context } from 'koa';
import type Router from '@koa/router';
import type { Middleware } from 'koa';
import { clientName } from '../client-name.js';
import type { InteractionDeps } from '../context.js';
import { finishWithError } from '../finish.js';
import type { Translator } from '../../src/i18n/i18n.js';
import { loadInteraction, type InteractionDetails } from '../load.js';
import { renderMessage, renderPage, translatorFor } from '../render.js';
import { registerEnrolRoutes } from './enrol-methods.js';
import { enrolProgress } from './policy-step.js';
import type { PolicyStep, SignInPost } from './step-types.js';
import { nextStep } from './steps.js';

/** "1 July 2027" in the page's language (the date is a day: midnight UTC). */
export function policyDate(tr: Translator, d: Date): string {
  return new Intl.DateTimeFormat(tr.lang === 'en' ? 'en-GB' : tr.lang, { dateStyle: 'long', timeZone: 'UTC' }).format(d);
}

export async function showPolicyStep(ctx: Context, deps: InteractionDeps, details: InteractionDetails, step: PolicyStep): Promise<void> {
  const tr = translatorFor(ctx, deps.i18n, details.params['ui_locales'] as string | undefined);
  const client = await clientName(deps, details.params['client_id']);
  if (step.step === 'refused') {
    return renderMessage(
      ctx,
      deps.views,
      tr,
      {
        title: tr.t('policy.refused_title'),
        paragraphs: [tr.t('policy.refused', { client: client ?? tr.t('product') }), tr.t('policy.refused_next')],
        link: { href: `/interaction/${details.uid}/policy/refused`, text: client ? tr.t('login.cancel', { client }) : tr.t('policy.refused_back') },
      },
      403,
    );
  }
  const policy = (await deps.organisations.findById(step.account.organisationId))?.policy;
  renderPage(ctx, deps.views, tr, 'policy-invite', {
    title: tr.t('policy.invite_title'),
    notice: tr.t('policy.invite_banner', { date: policyDate(tr, step.from) }),
    intro: tr.t('policy.invite_intro'),
    signOut: policy?.logoutAfterActivation ? tr.t('policy.will_sign_out') : undefined,
    action: `/interaction/${details.uid}/policy/invite`,
    csrf: deps.csrf.token(ctx),
  });
}

/** The policy's own routes under /interaction/:uid (registered by router.ts). */
export function registerPolicyRoutes(router: Router, deps: InteractionDeps, signInPost: SignInPost, formBody: Middleware): void {
  registerEnrolRoutes(router, deps, signInPost, formBody);
  // the invitation: "Set up now" or "Later"
  router.post('/policy/invite', formBody, (ctx) =>
    signInPost(ctx, 'invite', async (details) => {
      const body = (ctx.request.body ?? {}) as Record<string, unknown>;
      const progress = enrolProgress(deps.store, details.uid);
      await progress.save(body['choice'] === 'now' ? { now: true } : { later: true });
      ctx.status = 303;
      ctx.redirect(`/interaction/${details.uid}`);
    }),
  );
  // leaving a sign-in the policy cannot complete: a link, like "Cancel" (no CSRF needed)
  router.get('/policy/refused', async (ctx) => {
    const details = await loadInteraction(ctx, deps);
    const step = details.prompt.name === 'login' ? await nextStep(deps, details) : undefined;
    if (step?.step !== 'refused') {
      ctx.status = 303;
      return ctx.redirect(`/interaction/${details.uid}`);
    }
    return finishWithError(ctx, deps, 'access_denied', 'the application requires two-step verification, which the organisation of this account has turned off');
  });
}
