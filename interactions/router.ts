// The hosted sign-in pages under /interaction/:uid (oidc-provider scopes its interaction
// cookie to that path, so every step lives below it). Each route: check the form's CSRF
// token, load the interaction, check the prompt and the step, act; what comes next is decided
// in one place (signin/steps.ts).
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import type { Context } from 'koa';
import type { InteractionDeps } from './context.js';
import { showConsent, submitConsent } from './consent.js';
import { finishWithError } from './finish.js';
import { loadInteraction, type InteractionDetails } from './load.js';
import { showChooser, submitChoice } from './signin/choose.js';
import { showEnrolment, submitEnrolment } from './signin/enrol.js';
import { showLogin, submitLogin } from './signin/password.js';
import { registerPolicyRoutes, showPolicyStep } from './signin/policy.js';
import { resendCode, showSecondFactor, submitSecondFactor } from './signin/second-factor.js';
import type { Step } from './signin/step-types.js';
import { continueSignIn, finishSignIn, nextStep, preferredMethodId } from './signin/steps.js';
import { requestFactorReset } from './recovery/factor-reset.js';

export const formBody = bodyParser({ enableTypes: ['form'], formLimit: '16kb', encoding: 'utf-8' });

const backToStart = async (ctx: Context, details: InteractionDetails): Promise<void> => {
  ctx.status = 303;
  ctx.redirect(`/interaction/${details.uid}`);
};

export function createInteractionRouter(deps: InteractionDeps) {
  const router = new Router({ prefix: '/interaction/:uid' });

  /** A POST of the sign-in: CSRF, a login prompt, and the step it belongs to (else back to the start). */
  async function signInPost(ctx: Context, expected: Step['step'], act: (details: InteractionDetails, step: Step) => Promise<void>) {
    deps.csrf.verify(ctx, (ctx.request.body as Record<string, unknown> | undefined)?.['csrf']);
    const details = await loadInteraction(ctx, deps);
    if (details.prompt.name !== 'login') return backToStart(ctx, details);
    const step = await nextStep(deps, details);
    if (step.step !== expected && !(expected === 'factor' && step.step === 'choose')) return backToStart(ctx, details);
    return act(details, step);
  }

  router.get('/', async (ctx) => {
    const details = await loadInteraction(ctx, deps);
    if (details.prompt.name === 'consent') return showConsent(ctx, deps, details);
    if (details.prompt.name !== 'login') return finishWithError(ctx, deps, 'invalid_request', `unsupported prompt ${details.prompt.name}`);
    const step = await nextStep(deps, details);
    switch (step.step) {
      case 'password':
        return showLogin(ctx, deps, details);
      case 'finish':
        return finishSignIn(ctx, deps, details, step.state);
      case 'enrol':
        return showEnrolment(ctx, deps, details, step);
      case 'choose':
        return showChooser(ctx, deps, details, step.methods, preferredMethodId(step.account, step.methods) ?? null);
      case 'factor':
        return showSecondFactor(ctx, deps, details, step);
      case 'invite':
      case 'refused':
        return showPolicyStep(ctx, deps, details, step);
    }
  });

  router.post('/login', formBody, (ctx) => signInPost(ctx, 'password', (details) => submitLogin(ctx, deps, details)));

  router.get('/choose', async (ctx) => {
    const details = await loadInteraction(ctx, deps);
    const step = details.prompt.name === 'login' ? await nextStep(deps, details) : undefined;
    if (step?.step !== 'factor' && step?.step !== 'choose') return backToStart(ctx, details);
    return showChooser(ctx, deps, details, step.methods, step.state.method ?? preferredMethodId(step.account, step.methods) ?? null);
  });

  router.post('/choose', formBody, (ctx) => signInPost(ctx, 'factor', (details, step) => submitChoice(ctx, deps, details, step.step === 'factor' || step.step === 'choose' ? step.methods : [])));

  router.post('/factor', formBody, (ctx) => signInPost(ctx, 'factor', (details, step) => (step.step === 'factor' ? submitSecondFactor(ctx, deps, details, step) : backToStart(ctx, details))));

  router.post('/factor/resend', formBody, (ctx) => signInPost(ctx, 'factor', (details, step) => (step.step === 'factor' ? resendCode(ctx, deps, details, step) : backToStart(ctx, details))));

  // "Reset two-factor authentication" (recovery/factor-reset.ts): the password is proven, the factor is lost
  router.post('/reset-2fa', formBody, (ctx) => signInPost(ctx, 'factor', (details, step) => ('account' in step ? requestFactorReset(ctx, deps, details, step.account) : backToStart(ctx, details))));

  router.post('/enrol/totp', formBody, (ctx) => signInPost(ctx, 'enrol', (details, step) => (step.step === 'enrol' ? submitEnrolment(ctx, deps, details, step) : backToStart(ctx, details))));

  registerPolicyRoutes(router, deps, signInPost, formBody);

  // "Continue" after an informational page (recovery codes shown, a recovery code used)
  router.post('/continue', formBody, async (ctx) => {
    deps.csrf.verify(ctx, (ctx.request.body as Record<string, unknown> | undefined)?.['csrf']);
    const details = await loadInteraction(ctx, deps);
    if (details.prompt.name !== 'login') return backToStart(ctx, details);
    return continueSignIn(ctx, deps, details);
  });

  router.post('/consent', formBody, async (ctx) => {
    deps.csrf.verify(ctx, (ctx.request.body as Record<string, unknown> | undefined)?.['csrf']);
    const details = await loadInteraction(ctx, deps);
    if (details.prompt.name !== 'consent') return backToStart(ctx, details);
    return submitConsent(ctx, deps, details);
  });

  // A link, not a form: cancelling needs no CSRF protection (the worst a forged request does is
  // end a sign-in the victim can restart).
  router.get('/abort', async (ctx) => {
    await loadInteraction(ctx, deps);
    return finishWithError(ctx, deps, 'access_denied', 'End-User aborted interaction');
  });

  return router;
}
