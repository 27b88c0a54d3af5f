// Builds every service from the config, in dependency order, and tears them down in reverse.
// No module creates clients at import time; this is the only place they are made.
import { createHmac } from 'node:crypto';
import type { Redis } from 'ioredis';
import type Provider from 'oidc-provider';
import { createOneTimeCodes, type OneTimeCodes } from './factors/one-time-code.js';
import { recoveryCodeHasher } from './factors/recovery-codes/recovery-codes.js';
import { createTotp, type Totp } from './factors/totp/totp.js';
import { createWebAuthn, type WebAuthn } from './factors/webauthn/webauthn.js';
import { createDevices, type Devices } from './devices/devices.js';
import { createRegulator, type Regulator } from './regulation/regulator.js';
import type { FactorsRepo } from './storage/postgres/factors.js';
import type { RecoveryCodesRepo } from './storage/postgres/recovery-codes.js';
import { createRepositories } from './storage/postgres/repositories.js';
import type { Config } from './config/index.js';
import { systemClock, type Clock } from './clock.js';
import { createSecretBox, type SecretBox } from './crypto/secret-box.js';
import { createCsrf, type Csrf } from './http/csrf.js';
import { ensureSigningKeys, loadPublishedKeys } from './keys/signing-keys.js';
import type { Logger } from './log.js';
import { createAccountSessions, type AccountSessions } from './oidc/account-sessions.js';
import { createAdapterClass } from './oidc/adapter.js';
import { createBackchannelLogout } from './oidc/backchannel-logout.js';
import { withSessionEndMarkers } from './oidc/session-end.js';
import { createSessionIdleLimits, withSessionIdleLimits, type SessionIdleLimits } from './oidc/session-idle.js';
import { createClientCache, type ClientCache } from './oidc/client-cache.js';
import { createProvider } from './oidc/provider.js';
import { createProviderHolder, type ProviderHolder } from './oidc/provider-holder.js';
import { createPasswordHasher, type PasswordHasher } from './passwords/hasher.js';
import type { AccountsRepo } from './storage/postgres/accounts.js';
import type { AuditLog } from './storage/postgres/audit.js';
import { clientsChannel, type ClientsRepo } from './storage/postgres/clients.js';
import { listen } from './storage/postgres/notifications.js';
import type { Db } from './storage/postgres/db.js';
import { openPostgres } from './storage/postgres/open.js';
import { organisationsChannel, type OrganisationsRepo } from './storage/postgres/organisations.js';
import { createOrganisationsCache, type OrganisationsCache } from './storage/postgres/organisations-cache.js';
import type { RolesRepo } from './storage/postgres/roles.js';
import type { AccountAdminRepo } from './storage/postgres/account-admin.js';
import type { TwoFactorExemptionsRepo } from './storage/postgres/twofa-exemptions.js';
import { createMemoryStore } from './storage/short-lived/memory-store.js';
import { connectRedis, createRedisStore } from './storage/short-lived/redis-store.js';
import type { ShortLivedStore } from './storage/short-lived/store.js';
import { createMailer } from './mail/create-mailer.js';
import type { Mailer } from './mail/mailer.js';
import { createOutbox, type Outbox } from './outbox/outbox.js';
import { createSmsSender } from './sms/create-sms-sender.js';
import type { SmsSender } from './sms/sms-sender.js';
import { createI18n, type I18n } from './i18n/i18n.js';
import type { ProviderPages } from './oidc/pages.js';
import { withAuditMetrics } from './metrics/audit-metrics.js';
import { withMailMetrics, withSmsMetrics } from './metrics/delivery-metrics.js';
import { createMetrics, type Metrics } from './metrics/metrics.js';
import { withDbMetrics } from './metrics/storage-metrics.js';
import { createRecoveryServices, type RecoveryServices } from './recovery/services.js';

export { openPostgres, type Storage } from './storage/postgres/open.js';

/** What a request handler gets: the services, and the provider in service now (rebuilt when signing keys change). */
export type RequestDeps = Omit<Services, 'providers' | 'close' | 'db'> & {
  provider(): Provider;
};

export interface Services extends RecoveryServices {
  config: Config;
  log: Logger;
  clock: Clock;
  db: Db;
  store: ShortLivedStore;
  box: SecretBox;
  accounts: AccountsRepo;
  clients: ClientsRepo;
  organisations: OrganisationsRepo;
  roles: RolesRepo;
  /** administrators' queries and changes of accounts (the admin API) */
  accountAdmin: AccountAdminRepo;
  /** administrators' exemptions from an organisation's "required" two-step verification */
  twoFactorExemptions: TwoFactorExemptionsRepo;
  audit: AuditLog;
  hasher: PasswordHasher;
  csrf: Csrf;
  i18n: I18n;
  providers: ProviderHolder;
  /** end an account's sessions (everywhere, or all but the current one) */
  accountSessions: AccountSessions;
  /** each account's session idle limit: its organisation's, or SESSION_IDLE_SECONDS (session-idle.ts) */
  sessionIdle: SessionIdleLimits;
  factors: FactorsRepo;
  recoveryCodes: RecoveryCodesRepo;
  /** keyed hash of a recovery code for an account (undefined when the input cannot be a code) */
  hashRecoveryCode: (accountId: string, code: string) => string | undefined;
  totp: Totp;
  codes: OneTimeCodes;
  regulator: Regulator;
  webauthn: WebAuthn;
  /** sends e-mail (SMTP_URL), or keeps it in the outbox when config.outbox */
  mailer: Mailer;
  /** sends SMS (SMS_HTTP_URL, or the outbox); undefined when neither is configured */
  sms: SmsSender | undefined;
  /** the development outbox, when config.outbox */
  outbox: Outbox | undefined;
  /** remembered devices: the skip decision, the profile's list, forgetAll(accountId, reason) */
  devices: Devices;
  /** Prometheus metrics of this process (src/metrics/), served at /metrics with METRICS_TOKEN */
  metrics: Metrics;
  close(): Promise<void>;
}

/** `onError` hears of every error the Redis client reports (the metrics count them). */
export async function openShortLivedStore(config: Config, log: Logger, clock: Clock, onError?: () => void): Promise<{ store: ShortLivedStore; redis?: Redis }> {
  if (config.redis.mode === 'external') {
    const redis = await connectRedis(config.redis.url);
    // ioredis reconnects by itself; say so in our log (at most every 10 s), not on stderr
    let lastWarned = 0;
    redis.on('error', (err: Error) => {
      onError?.();
      if (Date.now() - lastWarned < 10_000) return;
      lastWarned = Date.now();
      log.warn({ err: err.message }, 'Redis connection error; reconnecting');
    });
    log.info({ redis: 'external', prefix: config.redis.prefix }, 'using Redis from REDIS_URL');
    return { store: createRedisStore(redis, config.redis.prefix), redis };
  }
  log.info({ redis: 'memory' }, 'keeping sessions and tokens in process memory; set REDIS_URL for Redis (needed for more than one replica)');
  return { store: createMemoryStore(clock) };
}

export interface ServicesOptions {
  /** the pages oidc-provider renders itself (errors, logout), in the hosted pages' layout: interactions/provider-pages.ts */
  providerPages: (i18n: I18n) => ProviderPages;
  clock?: Clock | undefined;
}

export async function createServices(config: Config, log: Logger, options: ServicesOptions): Promise<Services> {
  const clock = options.clock ?? systemClock;
  const metrics = createMetrics();
  const storage = await openPostgres(config, log);
  const { store, redis } = await openShortLivedStore(config, log, clock, () => metrics.storageErrors.inc({ store: 'redis' })).catch(async (err: unknown) => {
    await storage.close();
    throw err;
  });
  // every query counted when the database cannot be reached (/metrics)
  const db = withDbMetrics(storage.db, metrics);
  const box = createSecretBox(config.encryptionKey);
  // clients are read through an in-process cache that every change invalidates (client-cache.ts)
  let clientCache: ClientCache | undefined;
  // and organisations, read for their 2FA policy at every sign-in step and for each account's
  // session idle limit (organisations-cache.ts, session-idle.ts)
  let organisationsCache: OrganisationsCache | undefined;
  const organisationChanged = (organisationId?: string) => organisationsCache?.invalidate(organisationId);
  const repos = createRepositories(db, box, {
    onClientChange: (clientId: string) => clientCache?.invalidate(clientId),
    onOrganisationChange: (organisationId: string) => organisationChanged(organisationId),
  });
  const { accounts, clients, audit, factors } = repos;
  clientCache = createClientCache(clients, { ttlMs: 30_000, now: () => clock.now() });
  organisationsCache = createOrganisationsCache(repos.organisations, { ttlMs: 60_000, now: () => clock.now() });
  const organisations = organisationsCache.repo;
  const sessionIdle = createSessionIdleLimits(
    { organisationOf: async (accountId) => (await accounts.findById(accountId))?.organisationId, organisations: organisationsCache },
    { defaultSeconds: config.session.idleSeconds },
  );
  const clientChanges =
    config.postgres.mode === 'external'
      ? await listen({
          url: storage.databaseUrl,
          channel: clientsChannel,
          onMessage: (clientId) => clientCache?.invalidate(clientId),
          onReset: () => clientCache?.invalidate(),
          log,
        })
      : undefined;
  const organisationChanges =
    config.postgres.mode === 'external'
      ? await listen({
          url: storage.databaseUrl,
          channel: organisationsChannel,
          onMessage: (organisationId) => organisationChanged(organisationId),
          onReset: () => organisationChanged(),
          log,
        })
      : undefined;
  const [hasher, i18n] = await Promise.all([createPasswordHasher(), createI18n()]);
  const pages = options.providerPages(i18n);
  // sessions leave a small marker behind so the next sign-in can say why one expired (session-end.ts)
  // and learn the idle limit of every account whose session they read (session-idle.ts)
  const Adapter = withSessionIdleLimits(withSessionEndMarkers(createAdapterClass(store, clientCache, box), { store, clock, ...config.session, secureCookies: config.secureCookies }), sessionIdle);

  const created = await ensureSigningKeys({ db, box, clock });
  for (const kid of created) await audit.record({ type: 'key.created', details: { kid } });

  const providers = await createProviderHolder({
    loadKeys: () => loadPublishedKeys({ db, box, clock }),
    build: (jwks) => createProvider({ config, Adapter, accounts, audit, jwks, pages, clock, log, sessionIdle }),
    refreshSeconds: config.keyRefreshSeconds,
    log,
  });

  const outbox = config.outbox ? createOutbox({ clock }) : undefined;
  const mailer = withMailMetrics(createMailer({ config, log, outbox }), metrics);
  const smsSender = createSmsSender({ config, log, outbox });
  const sms = smsSender && withSmsMetrics(smsSender, metrics);
  if (outbox) {
    log.warn({ outbox: true }, 'development outbox is on: e-mail and SMS are not sent but shown at /dev/outbox, to anyone who can open it; set SMTP_URL to send them');
  } else if (!config.mail.smtpUrl) {
    log.warn({ outbox: false }, 'SMTP_URL is not set: e-mail codes cannot be sent (set OUTBOX=true to keep them in the development outbox)');
  }

  // apps that registered a backchannel_logout_uri hear of the sessions we end (backchannel-logout.ts)
  const backchannel = createBackchannelLogout({ provider: providers.current, log });

  // security e-mails are sent for the audit events that call for one (interactions/recovery)
  const recovery = createRecoveryServices({ config, db, store, clock, mailer, i18n, log, accounts, factors });

  return {
    config,
    log,
    clock,
    db,
    store,
    box,
    accounts,
    clients,
    organisations,
    roles: repos.roles,
    accountAdmin: repos.accountAdmin,
    twoFactorExemptions: repos.twoFactorExemptions,
    audit: withAuditMetrics(recovery.securityEmails.wrap(audit), metrics),
    metrics,
    ...recovery,
    hasher,
    csrf: createCsrf({ keys: config.cookieKeys, secure: config.secureCookies, issuer: config.issuer }),
    i18n,
    providers,
    accountSessions: createAccountSessions(store, (accountId, apps, why) => backchannel.notify(accountId, apps, why)),
    sessionIdle,
    factors,
    recoveryCodes: repos.recoveryCodes,
    hashRecoveryCode: recoveryCodeHasher(config.encryptionKey),
    totp: createTotp({ clock, issuer: 'Twofold' }),
    codes: createOneTimeCodes({
      store,
      clock,
      key: createHmac('sha256', config.encryptionKey).update('twofold one-time codes v1').digest(),
      limits: {
        codeTtlSeconds: config.secondFactor.codeTtlSeconds,
        resendCooldownSeconds: config.secondFactor.resendCooldownSeconds,
        maxPerHour: config.secondFactor.codesPerHour,
      },
    }),
    regulator: createRegulator({ redis, prefix: config.redis.prefix }),
    webauthn: createWebAuthn({ rpName: 'Twofold', issuer: config.issuer, store, clock, factors }),
    mailer,
    sms,
    outbox,
    devices: createDevices({ db, audit, clock, key: config.encryptionKey, secureCookies: config.secureCookies }),
    async close() {
      providers.stop();
      await backchannel.settle();
      await recovery.securityEmails.settle();
      await mailer.close();
      await clientChanges?.close();
      await organisationChanges?.close();
      await store.close();
      await storage.close();
    },
  };
}
