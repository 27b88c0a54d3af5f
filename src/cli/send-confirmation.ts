// `twofold users create` without --email-verified sends the new user a confirmation link. The
// link lives in Redis, like every short-lived token, and the e-mail goes through SMTP_URL: with
// either missing (the embedded zero-setup mode), nothing is sent and the CLI says how the user
// gets one instead (My profile, "Send confirmation link").
import type { Account } from '../storage/postgres/accounts.js';
import type { CliStorage } from './storage.js';

export type CliConfirmation = { sent: true } | { sent: false; reason: string };

export async function sendConfirmationFromCli(s: CliStorage, account: Account): Promise<CliConfirmation> {
  const { config, log, clock } = s;
  if (config.redis.mode !== 'external') return { sent: false, reason: 'REDIS_URL is not set (links are kept there)' };
  if (!config.mail.smtpUrl) return { sent: false, reason: 'SMTP_URL is not set' };
  // loaded only here: the rest of the CLI needs neither Redis nor the mailer
  const [{ connectRedis, createRedisStore }, { createMailer }, { createI18n }, { createRecoveryServices }, { sendEmailConfirmation }] = await Promise.all([
    import('../storage/short-lived/redis-store.js'),
    import('../mail/create-mailer.js'),
    import('../i18n/i18n.js'),
    import('../recovery/services.js'),
    import('../recovery/confirm-email.js'),
  ]);
  const store = createRedisStore(await connectRedis(config.redis.url), config.redis.prefix);
  const mailer = createMailer({ config, log, outbox: undefined });
  try {
    const i18n = await createI18n();
    const { links } = createRecoveryServices({ config, db: s.db, store, clock, mailer, i18n, log, accounts: s.accounts, factors: s.factors });
    const result = await sendEmailConfirmation({ links, mailer, audit: s.audit, store, i18n }, account, { by: 'cli' });
    return result === 'sent' ? { sent: true } : { sent: false, reason: result.replace(/_/g, ' ') };
  } finally {
    await mailer.close();
    await store.close();
  }
}
