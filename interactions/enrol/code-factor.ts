// The parts of an e-mail or SMS code factor that the profile (add, change the address or number,
// turn off) and the sign-in's enrolment share: check a typed address or number, send a code
// there, check the code the user typed back. Codes only ever go to a destination the user has
// just proven, or to the account's confirmed address.
import type { Context } from 'koa';
import { parsePhoneNumber, smsAvailable } from '../../src/sms/phone.js';
import type { InteractionDeps } from '../context.js';
import { deliverCode, type Channel } from '../deliver-code.js';
import type { Translator } from '../i18n.js';

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

/** Check a typed code; the catalogue key of the problem (under mfa.) when it is not right. A wrong code counts for the regulator. */
export async function checkCode(ctx: Context, deps: InteractionDeps, binding: string, accountId: string, typed: string): Promise<'wrong_code' | 'expired_code' | 'malformed_code' | undefined> {
  const result = await deps.codes.check(binding, typed.trim().slice(0, 64));
  if (result.ok) return undefined;
  const reason = result.reason === 'wrong_code' ? 'wrong_code' : result.reason === 'expired' ? 'expired_code' : 'malformed_code';
  if (reason === 'wrong_code') await deps.regulator.fail({ kind: 'second_factor', accountId, ip: ctx.ip });
  return reason;
}
