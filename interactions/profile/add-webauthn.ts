// Adding a security key or passkey from the profile: registration options for this account
// (its existing keys excluded), the browser's ceremony, verification, a stored factor named
// after the authenticator when it is known.
import type { Context } from 'koa';
import { isAppError } from '../../src/errors.js';
import { webAuthnLabel } from '../../src/factors/webauthn-names.js';
import { jsonForScriptElement } from '../../src/factors/webauthn-page-json.js';
import type { InteractionDeps } from '../context.js';
import { renderPage, translatorFor } from '../render.js';
import type { ProfileViewer } from './auth.js';
import { afterEnrolment } from './enrolled.js';

const binding = (viewer: ProfileViewer) => `profile:${viewer.session.uid}`;

export async function showAddWebAuthn(ctx: Context, deps: InteractionDeps, viewer: ProfileViewer, form: { error?: string; status?: number } = {}): Promise<void> {
  const tr = translatorFor(ctx, deps.i18n);
  const existing = (await deps.factors.findByAccount(viewer.account.id)).filter((f) => f.kind === 'webauthn');
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
  let verified;
  try {
    verified = await deps.webauthn.verifyRegistration({ binding: binding(viewer), response: typeof body['response'] === 'string' ? body['response'] : '' });
  } catch (err) {
    if (isAppError(err) && (err.code === 'webauthn_failed' || err.code === 'webauthn_expired')) {
      return showAddWebAuthn(ctx, deps, viewer, { error: tr.t(`mfa.${err.code}`), status: 400 });
    }
    throw err;
  }
  const typedLabel = typeof body['label'] === 'string' ? body['label'].trim().slice(0, 100) : '';
  const label = typedLabel || webAuthnLabel(verified, { securityKey: tr.t('webauthn.security_key'), passkey: tr.t('webauthn.passkey') });
  const { kind: _kind, ...fields } = verified;
  const factor = await deps.factors.save({ ...fields, accountId: viewer.account.id, kind: 'webauthn', label });
  const context = { ip: ctx.ip, userAgent: ctx.get('user-agent') };
  await deps.audit.record({ type: 'factor.enrolled', accountId: viewer.account.id, ...context, details: { kind: 'webauthn', factorId: factor.id, deviceType: factor.deviceType } });
  return afterEnrolment(ctx, deps, viewer, tr, tr.t('profile.added_webauthn', { name: label }));
}
