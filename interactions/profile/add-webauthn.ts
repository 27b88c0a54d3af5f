// Adding a security key or passkey from the profile: registration options for this account
// (its existing keys excluded), the browser's ceremony, verification, a stored factor named
// after the authenticator when it is known.
import type { Context } from 'koa';
import { webauthnFactor } from '../../src/factors/webauthn/factor.js';
import { jsonForScriptElement } from '../../src/factors/webauthn/webauthn-page-json.js';
import type { InteractionDeps } from '../context.js';
import { registerSecurityKey } from '../enrol/webauthn.js';
import { renderPage, translatorFor } from '../render.js';
import type { ProfileViewer } from './auth.js';
import { afterEnrolment } from './enrolled.js';

const binding = (viewer: ProfileViewer) => `profile:${viewer.session.uid}`;

export async function showAddWebAuthn(ctx: Context, deps: InteractionDeps, viewer: ProfileViewer, form: { error?: string; status?: number } = {}): Promise<void> {
  const tr = translatorFor(ctx, deps.i18n);
  const existing = (await deps.factors.findByAccount(viewer.account.id)).filter((f) => f.kind === webauthnFactor.kind);
  const options = await deps.webauthn.registrationOptions({ binding: binding(viewer), account: viewer.account, existing });
  renderPage(
    ctx,
    deps.views,
    tr,
    'webauthn',
    {
      title: tr.t('profile.add_webauthn_title'),
      heading: tr.t('profile.add_webauthn_title'),
      intro: tr.t('profile.add_webauthn_intro'),
      button: tr.t('profile.add_webauthn_button'),
      mode: 'register',
      autostart: false,
      labelField: true,
      optionsJson: jsonForScriptElement(options),
      action: '/account/add/webauthn',
      csrf: deps.csrf.token(ctx),
      cancel: { href: '/account', text: tr.t('profile.back') },
      error: form.error,
    },
    form.status ?? 200,
  );
}

export async function submitAddWebAuthn(ctx: Context, deps: InteractionDeps, viewer: ProfileViewer): Promise<void> {
  const tr = translatorFor(ctx, deps.i18n);
  const body = (ctx.request.body ?? {}) as Record<string, unknown>;
  const result = await registerSecurityKey(deps, tr, viewer.account, binding(viewer), body, { ip: ctx.ip, userAgent: ctx.get('user-agent') });
  if (!result.ok) return showAddWebAuthn(ctx, deps, viewer, { error: tr.t(`mfa.${result.reason}`), status: 400 });
  return afterEnrolment(ctx, deps, viewer, tr, tr.t('profile.added_webauthn', { name: result.label }), result.factor);
}
