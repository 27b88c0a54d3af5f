// Send a one-time code by e-mail or text message: make the code (bound to what it is for),
// render the message in the user's language, hand it to the mailer or the SMS sender. Used by
// the sign-in's e-mail/SMS step and by the profile when a new address or number is confirmed.
import type { InteractionDeps } from './context.js';
import { renderEmail } from '../src/mail/emails.js';
import type { Translator } from '../src/i18n/i18n.js';

export type Channel = 'email' | 'sms';

export type Delivery = { ok: true; expiresAt: Date } | { ok: false; reason: 'cooldown' | 'hourly_cap' | 'delivery_failed'; retryAt?: Date };

export async function deliverCode(
  deps: Pick<InteractionDeps, 'codes' | 'mailer' | 'sms' | 'config' | 'log'>,
  tr: Translator,
  opts: { binding: string; accountId: string; channel: Channel; to: string; client?: string | undefined; ip?: string | undefined; ttlSeconds?: number | undefined },
): Promise<Delivery> {
  const seconds = opts.ttlSeconds ?? deps.config.secondFactor.codeTtlSeconds;
  const issued = await deps.codes.issue(opts.binding, opts.accountId, { ttlSeconds: seconds });
  if (!issued.ok) return { ok: false, reason: issued.reason, retryAt: issued.retryAt };
  try {
    if (opts.channel === 'email') {
      const mail = renderEmail('sign-in-code', tr, { code: issued.code, validSeconds: seconds, client: opts.client, ip: opts.ip });
      await deps.mailer.send({ to: opts.to, ...mail, category: 'sign-in-code' });
    } else {
      if (!deps.sms) throw new Error('no SMS sender configured');
      // the last line lets browsers offer the code for this site only (WebOTP, origin-bound codes)
      const host = new URL(deps.config.issuer).host;
      const text = `${tr.t('sms.sign_in_code', { code: issued.code, product: tr.t('product'), seconds })}\n\n@${host} #${issued.code}`;
      await deps.sms.send(opts.to, text, { category: 'sign-in-code' });
    }
  } catch (err) {
    // nothing was delivered: let the user ask again at once
    await deps.codes.discard(opts.binding);
    deps.log.warn({ err: (err as Error).message, channel: opts.channel }, 'could not deliver a one-time code');
    return { ok: false, reason: 'delivery_failed' };
  }
  return { ok: true, expiresAt: issued.expiresAt };
}
