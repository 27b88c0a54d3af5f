// The profile's routes for issue 5, registered by router.ts with one line: the policy's guard
// on adding methods, changing an address or number, turning two-step verification off,
// signing out other sessions, and the page after the first method ended the session.
import type Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import type { InteractionDeps } from '../context.js';
import { renderMessage, translatorFor } from '../render.js';
import type { ProfileViewer } from './auth.js';
import { confirmNewDestination, confirmOldDestination, resendChangeCode, showChangeDestination, submitNewDestination } from './change-destination.js';
import { sendDisableCode, showDisable, showDisableKey, submitDisable, submitDisableKey } from './disable.js';
import { addMethodGuard } from './policy.js';
import { endOtherSessions } from './sessions.js';

type Act = (ctx: Context, viewer: ProfileViewer) => Promise<void>;
type Wrap = (act: Act, opts?: { recent?: boolean }) => (ctx: Context) => Promise<void>;

export function registerProfileAdditions(router: Router, deps: InteractionDeps, h: { get: Wrap; post: Wrap; formBody: Middleware }): void {
  const { get, post, formBody } = h;
  const id = (ctx: Context) => String((ctx.params as Record<string, string>)['id'] ?? '');
  const recent = { recent: true };
  router.use(addMethodGuard(deps));

  router.get(
    '/factors/:id/change',
    get((ctx, v) => showChangeDestination(ctx, deps, v, id(ctx)), recent),
  );
  router.post(
    '/factors/:id/change/resend',
    formBody,
    post((ctx, v) => resendChangeCode(ctx, deps, v, id(ctx)), recent),
  );
  router.post(
    '/factors/:id/change/old',
    formBody,
    post((ctx, v) => confirmOldDestination(ctx, deps, v, id(ctx)), recent),
  );
  router.post(
    '/factors/:id/change/new',
    formBody,
    post((ctx, v) => submitNewDestination(ctx, deps, v, id(ctx)), recent),
  );
  router.post(
    '/factors/:id/change/confirm',
    formBody,
    post((ctx, v) => confirmNewDestination(ctx, deps, v, id(ctx)), recent),
  );

  router.get(
    '/two-step/off',
    get((ctx, v) => showDisable(ctx, deps, v), recent),
  );
  router.post(
    '/two-step/off',
    formBody,
    post((ctx, v) => submitDisable(ctx, deps, v), recent),
  );
  router.post(
    '/two-step/off/send',
    formBody,
    post((ctx, v) => sendDisableCode(ctx, deps, v), recent),
  );
  router.get(
    '/two-step/off/key',
    get((ctx, v) => showDisableKey(ctx, deps, v), recent),
  );
  router.post(
    '/two-step/off/key',
    formBody,
    post((ctx, v) => submitDisableKey(ctx, deps, v), recent),
  );

  router.post(
    '/sessions/end-others',
    formBody,
    post((ctx, v) => endOtherSessions(ctx, deps, v), recent),
  );

  // after the first method, with logoutAfterActivation: the session is already gone
  router.post('/activated', formBody, async (ctx) => {
    deps.csrf.verify(ctx, (ctx.request.body as Record<string, unknown> | undefined)?.['csrf']);
    const tr = translatorFor(ctx, deps.i18n);
    renderMessage(
      ctx,
      deps.views,
      tr,
      { title: tr.t('profile_more.activated_title'), paragraphs: [tr.t('policy.signed_out_after_activation')], link: { href: '/account/signin', text: tr.t('profile.sign_in') } },
      200,
    );
  });
}
