// The organisation's two-step verification policy in the sign-in (enrol/policy.ts has the rules
// shared with the profile). nextStep (steps.ts) asks `whenNoFactor` what to do for a user with
// no usable second factor:
//
//   mode off        nothing is asked or offered; an app that demands a second factor (require_mfa,
//                   acr_values) gets a page that says why it cannot be used, then access_denied
//   optional        as before: enrolment only when the app demands a second factor
//   required        enrolment inside the sign-in (from the mandatory-from date, when there is one);
//                   before that date a page invites the user to set it up, with "Later" — unless an
//                   administrator exempted the account (enrol/policy.ts applyExemption): then as
//                   optional. Asked here only, for a user without a usable factor.
import type { Context } from 'koa';
import type Router from '@koa/router';
import type { Middleware } from 'koa';
import type { Account } from '../../src/storage/postgres/accounts.js';
import { twoFactorEnforced, type PolicyFactorKind, type TwoFactorPolicy } from '../../src/storage/postgres/organisations.js';
import type { ShortLivedStore } from '../../src/storage/short-lived/store.js';
import { clientName } from '../client-name.js';
import type { InteractionDeps } from '../context.js';
import { finishWithError } from '../finish.js';
import type { Translator } from '../i18n.js';
import { loadInteraction, type InteractionDetails } from '../load.js';
import { renderMessage, renderPage, translatorFor } from '../render.js';
import { applyExemption } from '../enrol/policy.js';
import { registerEnrolRoutes } from './enrol-methods.js';
import type { SignInState } from './state.js';
import { nextStep, type Step } from './steps.js';

export type PolicyStep = { step: 'invite'; state: SignInState; account: Account; from: Date } | { step: 'refused'; state: SignInState; account: Account };

/** What the user decided in this sign-in about setting up a second factor (kept beside the sign-in state). */
export interface EnrolProgress {
  /** "Later" on the invitation */
  later?: boolean;
  /** "Set up now" on the invitation */
  now?: boolean;
  /** the kind of factor being set up */
  kind?: PolicyFactorKind | undefined;
  /** "Use another method": show the chooser instead of the authenticator app */
  choosing?: boolean;
  /** the mobile number given for SMS codes (E.164) */
  destination?: string | undefined;
}

export function enrolProgress(store: ShortLivedStore, uid: string) {
  const key = `signin-policy:${uid}`;
  return {
    async load(): Promise<EnrolProgress> {
      const raw = await store.get(key);
      return raw ? (JSON.parse(raw) as EnrolProgress) : {};
    },
    async save(progress: EnrolProgress): Promise<void> {
      await store.set(key, JSON.stringify(progress), 30 * 60);
    },
    async clear(): Promise<void> {
      await store.del(key);
    },
  };
}

/** The step for a user without a usable second factor. */
export async function whenNoFactor(
  deps: InteractionDeps,
  details: InteractionDetails,
  state: SignInState,
  account: Account,
  organisationPolicy: TwoFactorPolicy,
  appDemands: () => Promise<boolean>,
): Promise<Step> {
  const policy = await applyExemption(deps, account.id, organisationPolicy);
  if (policy.mode === 'off') return (await appDemands()) ? { step: 'refused', state, account } : { step: 'finish', state };
  if (twoFactorEnforced(policy, new Date(deps.clock.now())) || (await appDemands())) return { step: 'enrol', state, account };
  if (policy.mode === 'required' && policy.mandatoryFrom) {
    const progress = await enrolProgress(deps.store, details.uid).load();
    if (progress.now) return { step: 'enrol', state, account };
    if (!progress.later) return { step: 'invite', state, account, from: policy.mandatoryFrom };
  }
  return { step: 'finish', state };
}

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

type SignInPost = (ctx: Context, expected: Step['step'], act: (details: InteractionDetails, step: Step) => Promise<void>) => Promise<void>;

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
