// Setting up an authenticator app, shared by the sign-in (when a second factor is required but
// none is set up) and the profile. The secret lives sealed in the enrolment state until the
// user proves the app works by typing a current code; only then is the factor stored. That
// first code's time step is recorded, so it cannot be used again to sign in.
import { randomUUID } from 'node:crypto';
import QRCode from 'qrcode';
import { totpSecretContext } from '../../src/factors/totp/totp-secret.js';
import type { Account } from '../../src/storage/postgres/accounts.js';
import type { FactorRecord } from '../../src/storage/postgres/factors.js';
import type { InteractionDeps } from '../context.js';

export interface TotpEnrolment {
  kind: 'totp';
  factorId: string;
  secretSealed: string;
}

type Deps = Pick<InteractionDeps, 'totp' | 'box' | 'factors' | 'audit'>;

export function startTotpEnrolment(deps: Deps): TotpEnrolment {
  const factorId = randomUUID();
  return { kind: 'totp', factorId, secretSealed: deps.box.seal(deps.totp.newSecret(), totpSecretContext(factorId)) };
}

/** What the page shows: a QR code (SVG data URL, made on the server) and the key in groups of four. */
export async function totpEnrolmentView(deps: Deps, enrolment: TotpEnrolment, account: Account) {
  const secret = deps.box.open(enrolment.secretSealed, totpSecretContext(enrolment.factorId));
  const svg = await QRCode.toString(deps.totp.uri(secret, account.email), { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
  return {
    qr: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`,
    manualKey: secret.match(/.{1,4}/g)!.join(' '),
  };
}

export type TotpConfirmation = { ok: true; factor: FactorRecord } | { ok: false; reason: 'wrong_code' | 'malformed_code' };

export async function confirmTotpEnrolment(deps: Deps, account: Account, enrolment: TotpEnrolment, typed: string, context: { ip: string; userAgent: string }): Promise<TotpConfirmation> {
  const secret = deps.box.open(enrolment.secretSealed, totpSecretContext(enrolment.factorId));
  const result = await deps.totp.check(secret, typed);
  if (!result.ok) return { ok: false, reason: result.reason === 'malformed' ? 'malformed_code' : 'wrong_code' };
  const factor = await deps.factors.save({
    id: enrolment.factorId,
    accountId: account.id,
    kind: 'totp',
    label: '',
    secretSealed: enrolment.secretSealed,
    lastStep: result.step,
  });
  await deps.audit.record({ type: 'factor.enrolled', accountId: account.id, ip: context.ip, userAgent: context.userAgent, details: { kind: 'totp', factorId: factor.id } });
  return { ok: true, factor };
}
