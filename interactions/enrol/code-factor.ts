// The parts of an e-mail or SMS code factor that the profile (add, change the address or number,
// turn off) and the sign-in's enrolment share: check a typed address or number, send a code
// there, check the code the user typed back. Codes only ever go to a destination the user has
// just proven, or to the account's confirmed address.
import type { Context } from 'koa';
import { regulated } from '../../src/regulation/regulated.js';
import { parsePhoneNumber, smsAvailable } from '../../src/sms/phone.js';
import type { InteractionDeps } from '../context.js';
import { deliverCode, type Channel } from '../deliver-code.js';
import type { Translator } from '../../src/i18n/i18n.js';
import { lockedMessage } from '../signin/regulate.js';

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** A typed e-mail address or mobile number, checked; the number in E.164. */
export function parseDestination(deps: Pick<InteractionDeps, 'config'>, tr: Translator, channel: Channel, value: string): { ok: true; destination: string } | { ok: false; error: string } {
  if (channel === 'email') return emailPattern.test(value) ? { ok: true, destination: value } : { ok: false, error: tr.t('profile.add_email_invalid') };
  const phone = parsePhoneNumber(value);
  if (!phone.ok) return { ok: false, error: tr.t('profile.add_sms_invalid') };
  if (!smsAvailable(phone.country, deps.config)) {
    const country = phone.country ? (new Intl.DisplayNames([tr.lang], { type: 'region' }).of(phone.country) ?? phone.country) : '';
    return { ok: false, error: tr.t('profile.add_sms_unavailable', { country }) };
  }
  return { ok: true, destination: phone.e164 };
}

/** Send a code bound to `binding`; the page's message when it could not be sent. */
export async function sendCode(
  ctx: Context,
  deps: InteractionDeps,
  tr: Translator,
  opts: { binding: string; accountId: string; channel: Channel; to: string; client?: string | undefined },
): Promise<string | undefined> {
  const sent = await deliverCode(deps, tr, { ...opts, ip: ctx.ip });
  if (sent.ok) return undefined;
  if (sent.reason === 'cooldown') return tr.t('mfa.resend_wait', { count: Math.max(1, Math.ceil((sent.retryAt!.getTime() - deps.clock.now()) / 1000)) });
  return tr.t(sent.reason === 'hourly_cap' ? 'mfa.hourly_cap' : 'mfa.delivery_failed');
}

type CodeReason = 'wrong_code' | 'expired_code' | 'malformed_code';

/** Check a typed code against `binding`, unregulated (for a caller that brackets a larger proof); the catalogue key (under mfa.) of the problem. */
export async function verifyCode(deps: Pick<InteractionDeps, 'codes'>, binding: string, typed: string): Promise<CodeReason | undefined> {
  const result = await deps.codes.check(binding, typed.trim().slice(0, 64));
  if (result.ok) return undefined;
  return result.reason === 'wrong_code' ? 'wrong_code' : result.reason === 'expired' ? 'expired_code' : 'malformed_code';
}

/**
 * Check a typed code, regulated per account (regulated(): a locked account is refused before the
 * code is looked at; a wrong code counts, a right one resets the account's counter). The page's
 * error and status when it is not right; undefined when it is.
 */
export async function checkCode(ctx: Context, deps: InteractionDeps, tr: Translator, binding: string, accountId: string, typed: string): Promise<{ error: string; status: number } | undefined> {
  const result = await regulated(deps.regulator, { kind: 'second_factor', accountId, ip: ctx.ip }, async () => {
    const reason = await verifyCode(deps, binding, typed);
    return reason ? { ok: false, value: reason, counts: reason === 'wrong_code' } : { ok: true, value: undefined };
  });
  if (result.status === 'passed') return undefined;
  if (result.status === 'locked') return { error: lockedMessage(tr, result.retryAt, deps.clock.now()), status: 429 };
  return { error: tr.t(`mfa.${result.value}`), status: 400 };
}
