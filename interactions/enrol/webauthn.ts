// Registering a security key or passkey, shared by the profile and the sign-in's enrolment:
// verify the browser's registration response against the options issued under `binding`, name
// the key (typed, or after the authenticator), store it and audit factor.enrolled.
import { isAppError } from '../../src/errors.js';
import { webAuthnLabel } from '../../src/factors/webauthn/webauthn-names.js';
import type { Account } from '../../src/storage/postgres/accounts.js';
import type { FactorRecord } from '../../src/storage/postgres/factors.js';
import type { InteractionDeps } from '../context.js';
import type { Translator } from '../../src/i18n/i18n.js';
import type { AuditContext } from './policy.js';

export type KeyRegistration = { ok: true; factor: FactorRecord; label: string } | { ok: false; reason: 'webauthn_failed' | 'webauthn_expired' };

export async function registerSecurityKey(
  deps: Pick<InteractionDeps, 'webauthn' | 'factors' | 'audit'>,
  tr: Translator,
  account: Pick<Account, 'id'>,
  binding: string,
  body: Record<string, unknown>,
  context: AuditContext,
): Promise<KeyRegistration> {
  let verified: Awaited<ReturnType<typeof deps.webauthn.verifyRegistration>>;
  try {
    verified = await deps.webauthn.verifyRegistration({ binding, response: typeof body['response'] === 'string' ? body['response'] : '' });
  } catch (err) {
    if (isAppError(err) && (err.code === 'webauthn_failed' || err.code === 'webauthn_expired')) return { ok: false, reason: err.code };
    throw err;
  }
  const typedLabel = typeof body['label'] === 'string' ? body['label'].trim().slice(0, 100) : '';
  const label = typedLabel || webAuthnLabel(verified, { securityKey: tr.t('webauthn.security_key'), passkey: tr.t('webauthn.passkey') });
  const { kind: _kind, ...fields } = verified;
  const factor = await deps.factors.save({ ...fields, accountId: account.id, kind: 'webauthn', label });
  await deps.audit.record({ type: 'factor.enrolled', accountId: account.id, ...context, details: { kind: 'webauthn', factorId: factor.id, deviceType: factor.deviceType } });
  return { ok: true, factor, label };
}
