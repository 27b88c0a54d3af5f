// "Remembered devices" in My profile: the browsers that may skip the second factor, each with
// "Forget", and "Forget all devices". Forgetting only takes trust away, so it needs the usual
// signed-in viewer but not a fresh sign-in. The markup is views/profile-devices.eta.
import type Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import type { InteractionDeps } from '../context.js';
import type { Translator } from '../../src/i18n/i18n.js';
import { translatorFor } from '../render.js';
import { formBody } from '../router.js';
import type { ProfileViewer } from './auth.js';
import { profileFlash } from './flash.js';

type Post = (act: (ctx: Context, viewer: ProfileViewer) => Promise<void>, opts?: { recent?: boolean }) => Middleware;

const date = (tr: Translator, d: Date) => new Intl.DateTimeFormat(tr.lang, { dateStyle: 'medium' }).format(d);

/** The profile page's data for the section. */
export async function deviceSection(ctx: Context, deps: InteractionDeps, tr: Translator, viewer: ProfileViewer) {
  const accountId = viewer.account.id;
  const [devices, current] = await Promise.all([deps.devices.list(accountId), deps.devices.findByToken(accountId, ctx.cookies.get(deps.devices.cookieName(accountId)))]);
  return {
    rememberedDevices: devices.map((d) => {
      const name = tr.t('devices.device', { browser: d.browser, os: d.os });
      return {
        id: d.id,
        name,
        current: d.id === current?.id,
        details: tr.t('devices.details', { ip: d.ip, created: date(tr, d.createdAt), lastUsed: date(tr, d.lastUsedAt), expires: date(tr, d.expiresAt) }),
        forget: tr.t('devices.forget', { name }),
      };
    }),
  };
}

async function done(ctx: Context, deps: InteractionDeps, viewer: ProfileViewer, message: string): Promise<void> {
  await profileFlash(deps.store, viewer.session.uid).set(message);
  ctx.status = 303;
  ctx.redirect('/account');
}

export function registerDeviceRoutes(router: Router, deps: InteractionDeps, post: Post): void {
  const who = (ctx: Context) => ({ ip: ctx.ip, userAgent: ctx.get('user-agent') });

  router.post(
    '/devices/forget-all',
    formBody,
    post(async (ctx, viewer) => {
      const tr = translatorFor(ctx, deps.i18n);
      const count = await deps.devices.forgetAll(viewer.account.id, 'profile', who(ctx));
      return done(ctx, deps, viewer, count > 0 ? tr.t('devices.forgotten_all', { count }) : tr.t('devices.not_found'));
    }),
  );

  router.post(
    '/devices/:id/forget',
    formBody,
    post(async (ctx, viewer) => {
      const tr = translatorFor(ctx, deps.i18n);
      const id = String((ctx.params as Record<string, string>)['id'] ?? '');
      const forgotten = await deps.devices.forget(viewer.account.id, id, { reason: 'profile', ...who(ctx) });
      return done(ctx, deps, viewer, forgotten ? tr.t('devices.forgotten') : tr.t('devices.not_found'));
    }),
  );
}
