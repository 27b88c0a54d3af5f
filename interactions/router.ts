// The hosted sign-in pages under /interaction/:uid (oidc-provider scopes its interaction
// cookie to that path, so every step lives below it). Each route: load the interaction, check
// the prompt, act, finish through finish.ts.
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import type { InteractionDeps } from './context.js';
import { showConsent, submitConsent } from './consent.js';
import { finishWithError } from './finish.js';
import { loadInteraction } from './load.js';
import { showLogin, submitLogin } from './login.js';

export const formBody = bodyParser({ enableTypes: ['form'], formLimit: '16kb', encoding: 'utf-8' });

export function createInteractionRouter(deps: InteractionDeps) {
  const router = new Router({ prefix: '/interaction/:uid' });

  router.get('/', async (ctx) => {
    const details = await loadInteraction(ctx, deps);
    if (details.prompt.name === 'login') return showLogin(ctx, deps, details);
    if (details.prompt.name === 'consent') return showConsent(ctx, deps, details);
    return finishWithError(ctx, deps, 'invalid_request', `unsupported prompt ${details.prompt.name}`);
  });

  router.post('/login', formBody, async (ctx) => {
    deps.csrf.verify(ctx, (ctx.request.body as Record<string, unknown> | undefined)?.['csrf']);
    const details = await loadInteraction(ctx, deps);
    if (details.prompt.name !== 'login') {
      ctx.status = 303;
      return ctx.redirect(`/interaction/${details.uid}`);
    }
    return submitLogin(ctx, deps, details);
  });

  router.post('/consent', formBody, async (ctx) => {
    deps.csrf.verify(ctx, (ctx.request.body as Record<string, unknown> | undefined)?.['csrf']);
    const details = await loadInteraction(ctx, deps);
    if (details.prompt.name !== 'consent') {
      ctx.status = 303;
      return ctx.redirect(`/interaction/${details.uid}`);
    }
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
