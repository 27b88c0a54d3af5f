// "My profile" at /account: overview, second factors, recovery codes. Every form is
// CSRF-protected; changes to second factors want a recent sign-in.
import Router from '@koa/router';
import type { Context } from 'koa';
import type { InteractionDeps } from '../context.js';
import { renderMessage, translatorFor } from '../render.js';
import { formBody } from '../router.js';
import { confirmDestination, resendDestinationCode, showAddDestination, submitDestination } from './add-code-factor.js';
import { showAddTotp, submitAddTotp } from './add-totp.js';
import { showAddWebAuthn, submitAddWebAuthn } from './add-webauthn.js';
import { finishSignIn, requireViewer, startSignIn, type ProfileViewer } from './auth.js';
import { registerDeviceRoutes } from './devices.js';
import { makePreferred, regenerateRecoveryCodes, removeFactor, renameFactor } from './factors.js';
import { registerProfileAdditions } from './additions.js';
import { showProfile } from './overview.js';
import { passwordRoutes } from './password.js';
import { offerToStay, stayReturnPath } from './stay-signed-in.js';

export function createProfileRouter(deps: InteractionDeps) {
  const router = new Router({ prefix: '/account' });

  /** a POST: CSRF first, then the viewer (recent sign-in for changes to second factors) */
  const post =
    (act: (ctx: Context, viewer: ProfileViewer) => Promise<void>, opts: { recent?: boolean } = {}) =>
    async (ctx: Context) => {
      deps.csrf.verify(ctx, (ctx.request.body as Record<string, unknown> | undefined)?.['csrf']);
      const viewer = await requireViewer(ctx, deps, opts);
      if (!viewer) return;
      offerToStay(ctx, deps, viewer); // a page this renders (a form's error, a next step) has the idle warning
      await act(ctx, viewer);
    };
  const get =
    (act: (ctx: Context, viewer: ProfileViewer) => Promise<void>, opts: { recent?: boolean } = {}) =>
    async (ctx: Context) => {
      const viewer = await requireViewer(ctx, deps, opts);
      if (!viewer) return;
      offerToStay(ctx, deps, viewer); // every page of My profile has the idle warning ("Stay signed in")
      await act(ctx, viewer);
    };
  const param = (ctx: Context) => String((ctx.params as Record<string, string>)['id'] ?? '');
  registerProfileAdditions(router, deps, { get, post, formBody });

  router.get(
    '/',
    get((ctx, viewer) => showProfile(ctx, deps, viewer)),
  );
  router.get('/signin', (ctx) => startSignIn(ctx, deps, { returnTo: '/account' }));
  router.get('/callback', (ctx) => finishSignIn(ctx, deps));
  router.get('/signed-out', (ctx) => {
    const tr = translatorFor(ctx, deps.i18n);
    renderMessage(ctx, deps.views, tr, { title: tr.t('profile.signed_out_title'), paragraphs: [tr.t('profile.signed_out')], link: { href: '/account/signin', text: tr.t('profile.sign_in') } }, 200);
  });

  router.get(
    '/add/totp',
    get((ctx, viewer) => showAddTotp(ctx, deps, viewer), { recent: true }),
  );
  router.post(
    '/add/totp',
    formBody,
    post((ctx, viewer) => submitAddTotp(ctx, deps, viewer), { recent: true }),
  );
  router.get(
    '/add/webauthn',
    get((ctx, viewer) => showAddWebAuthn(ctx, deps, viewer), { recent: true }),
  );
  router.post(
    '/add/webauthn',
    formBody,
    post((ctx, viewer) => submitAddWebAuthn(ctx, deps, viewer), { recent: true }),
  );
  for (const channel of ['email', 'sms'] as const) {
    router.get(
      `/add/${channel}`,
      get((ctx, viewer) => showAddDestination(ctx, deps, viewer, channel), { recent: true }),
    );
    router.post(
      `/add/${channel}`,
      formBody,
      post((ctx, viewer) => submitDestination(ctx, deps, viewer, channel), { recent: true }),
    );
    router.post(
      `/add/${channel}/resend`,
      formBody,
      post((ctx, viewer) => resendDestinationCode(ctx, deps, viewer, channel), { recent: true }),
    );
    router.post(
      `/add/${channel}/confirm`,
      formBody,
      post((ctx, viewer) => confirmDestination(ctx, deps, viewer, channel), { recent: true }),
    );
  }
  router.post(
    '/factors/:id/preferred',
    formBody,
    post((ctx, viewer) => makePreferred(ctx, deps, viewer, param(ctx))),
  );
  router.post(
    '/factors/:id/rename',
    formBody,
    post((ctx, viewer) => renameFactor(ctx, deps, viewer, param(ctx))),
  );
  router.post(
    '/factors/:id/remove',
    formBody,
    post((ctx, viewer) => removeFactor(ctx, deps, viewer, param(ctx)), { recent: true }),
  );
  router.post(
    '/recovery-codes',
    formBody,
    post((ctx, viewer) => regenerateRecoveryCodes(ctx, deps, viewer), { recent: true }),
  );
  passwordRoutes(router, deps, { get, post, formBody }); // change password, confirm the e-mail address
  registerDeviceRoutes(router, deps, post);
  // back to the profile after a page of news
  router.post(
    '/done',
    formBody,
    post(async (ctx) => {
      ctx.status = 303;
      ctx.redirect('/account');
    }),
  );
  // "Stay signed in" from the idle warning: requireViewer, in post, has touched the session, which
  // is all it needs; then back to the page it was on, when that is a page of My profile
  const isPage = (path: string) => router.stack.some((layer) => layer.methods.includes('GET') && layer.match(path));
  router.post(
    '/stay',
    formBody,
    post(async (ctx) => {
      ctx.status = 303;
      ctx.redirect(stayReturnPath((ctx.request.body as Record<string, unknown> | undefined)?.['return_to'], isPage));
    }),
  );

  return router;
}
