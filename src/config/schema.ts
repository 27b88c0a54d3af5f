// The one typed configuration object. Every environment variable Twofold reads is declared
// here, with its default; nothing else in the code base reads process.env.
import { getCountries } from 'libphonenumber-js/max';
import { z } from 'zod';

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');

const positiveInt = z.coerce.number({ error: 'must be a whole number' }).int('must be a whole number').positive('must be greater than 0');

const base64Key32 = z.string().refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 random bytes, base64-encoded (openssl rand -base64 32)');

const cookieKeys = z
  .string()
  .transform((v) =>
    v
      .split(',')
      .map((k) => k.trim())
      .filter(Boolean),
  )
  .refine((keys) => keys.length > 0 && keys.every((k) => k.length >= 32), 'must be a comma-separated list of secrets of at least 32 characters each (newest first)');

const url = (protocols: string[]) =>
  z.string().refine(
    (v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    `must be a URL (${protocols.join(' or ')})`,
  );

/** OpenID Connect Discovery 1.0 §3: the issuer is a URL with no query or fragment component. */
const issuerUrl = url(['http:', 'https:']).refine((v) => {
  try {
    const u = new URL(v);
    return !u.search && !u.hash && !v.includes('?') && !v.includes('#') && !u.username && !u.password;
  } catch {
    return true; // not a URL at all: the check above already says so
  }
}, 'must not have a query, a fragment or credentials (OpenID Connect Discovery: the issuer is compared character for character)');

/** `Name <address>` or a bare address; one line (a header value), one address. */
const mailFrom = z.string().refine((v) => parseMailFrom(v) !== undefined, 'must be one e-mail address, optionally with a display name: Twofold <no-reply@example.com>');

export function parseMailFrom(value: string): { name: string | undefined; address: string } | undefined {
  const m = /^\s*(?:(?<name>[^<>\r\n]*?)\s*<(?<inner>[^<>\s@]+@[^<>\s@]+\.?[^<>\s@]*)>|(?<bare>[^<>\s@"]+@[^<>\s@]+))\s*$/.exec(value);
  if (!m?.groups) return undefined;
  const address = m.groups['inner'] ?? m.groups['bare'];
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (!address || /[\x00-\x1f\x7f]/.test(value)) return undefined;
  const raw = m.groups['name']?.trim() ?? '';
  const quoted = /^"[^"\\]*"$/.test(raw);
  // unquoted, a comma or semicolon would split the header into several addresses
  if (!quoted && /[,;"]/.test(raw)) return undefined;
  const name = quoted ? raw.slice(1, -1).trim() : raw;
  return { name: name || undefined, address };
}

const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]']);
const isLoopback = (hostname: string) => loopbackHosts.has(hostname) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);

/** The SMS provider gets the codes and our credentials: https, or http to this machine only. */
const smsHttpUrl = z.string().refine((v) => {
  try {
    const u = new URL(v);
    return u.protocol === 'https:' || (u.protocol === 'http:' && isLoopback(u.hostname));
  } catch {
    return false;
  }
}, 'must be an https URL (http only on 127.0.0.1, [::1] or localhost)');

/** A header value: visible ASCII and spaces only, so it cannot smuggle a second header. */
const headerValue = z.string().regex(/^[\x20-\x7e]+$/, 'must be a single-line header value (printable ASCII)');

/**
 * EU and EEA members plus Switzerland, the United Kingdom, the United States and Canada: where
 * SMS delivery is registered with the usual providers. Elsewhere users get e-mail codes.
 * Numbers carry the code of their territory: EU regions with their own code (Åland, the French
 * overseas departments) and the Crown dependencies on +44 (Guernsey, Jersey, Man) are listed too.
 */
export const defaultSmsCountries = [
  'AT',
  'BE',
  'BG',
  'HR',
  'CY',
  'CZ',
  'DK',
  'EE',
  'FI',
  'FR',
  'DE',
  'GR',
  'HU',
  'IE',
  'IT',
  'LV',
  'LT',
  'LU',
  'MT',
  'NL',
  'PL',
  'PT',
  'RO',
  'SK',
  'SI',
  'ES',
  'SE',
  'AX',
  'GF',
  'GP',
  'MQ',
  'RE',
  'YT',
  'MF',
  'IS',
  'LI',
  'NO',
  'CH',
  'GB',
  'GG',
  'JE',
  'IM',
  'US',
  'CA',
];

const knownCountries = new Set<string>(getCountries());
/** codes people write that ISO 3166 spells differently (the EU itself uses EL for Greece) */
const usualMistakes: Record<string, string> = { UK: 'GB', EL: 'GR' };

const smsCountries = z
  .string()
  .transform((v) =>
    v.trim() === '*'
      ? ('all' as const)
      : v
          .split(',')
          .map((c) => c.trim().toUpperCase())
          .filter(Boolean),
  )
  .superRefine((v, ctx) => {
    if (v === 'all') return;
    if (v.length === 0) ctx.addIssue({ code: 'custom', message: 'must list ISO 3166 alpha-2 country codes (NL,BE,DE) or be *' });
    const unknown = v.filter((c) => !knownCountries.has(c));
    if (unknown.length) {
      const hints = unknown.filter((c) => c in usualMistakes).map((c) => `${c} is ${usualMistakes[c]}`);
      const hint = hints.length ? ` (${hints.join(', ')})` : '';
      ctx.addIssue({ code: 'custom', message: `has unknown country codes ${unknown.join(', ')}${hint}: use ISO 3166 alpha-2 codes (NL,BE,DE) or *` });
    }
  });

export const envSchema = z
  .object({
    PORT: positiveInt.max(65535).default(3000),
    HOST: z.string().min(1).default('127.0.0.1'),
    ISSUER: issuerUrl.optional(),
    DATABASE_URL: url(['postgres:', 'postgresql:']).optional(),
    DATA_DIR: z.string().min(1).default('.twofold'),
    PG_POOL_MAX: positiveInt.max(100).default(10),
    REDIS_URL: url(['redis:', 'rediss:']).optional(),
    REDIS_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9:_.-]+$/, 'letters, digits and : _ . - only')
      .default('twofold:'),
    ENCRYPTION_KEY: base64Key32.optional(),
    COOKIE_KEYS: cookieKeys.optional(),
    SESSION_IDLE_SECONDS: positiveInt.default(300),
    SESSION_MAX_SECONDS: positiveInt.default(12 * 60 * 60),
    ACCESS_TOKEN_TTL_SECONDS: positiveInt.default(600),
    ID_TOKEN_TTL_SECONDS: positiveInt.default(3600),
    REFRESH_TOKEN_TTL_SECONDS: positiveInt.default(14 * 24 * 60 * 60),
    KEY_REFRESH_SECONDS: positiveInt.default(60),
    SIGNIN_MAX_WRONG_CODES: positiveInt.max(100).default(7),
    CODE_TTL_SECONDS: positiveInt.max(3600).default(90),
    CODE_RESEND_SECONDS: positiveInt.max(3600).default(30),
    CODES_PER_HOUR: positiveInt.max(1000).default(10),
    SMTP_URL: url(['smtp:', 'smtps:']).optional(),
    MAIL_FROM: mailFrom.default('Twofold <no-reply@localhost>'),
    SMS_HTTP_URL: smsHttpUrl.optional(),
    SMS_HTTP_AUTHORIZATION: headerValue.optional(),
    SMS_HTTP_TIMEOUT_MS: positiveInt.max(60_000).default(5000),
    SMS_COUNTRIES: smsCountries.optional(),
    OUTBOX: bool.optional(),
    TRUST_PROXY: bool.default(false),
    DEMO: bool.optional(),
    METRICS_TOKEN: z
      .string()
      .min(32, 'must be at least 32 characters (openssl rand -base64 32)')
      .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces')
      .optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .superRefine((env, ctx) => {
    if (env.SESSION_MAX_SECONDS < env.SESSION_IDLE_SECONDS) {
      ctx.addIssue({ code: 'custom', path: ['SESSION_MAX_SECONDS'], message: 'must be at least SESSION_IDLE_SECONDS' });
    }
    if (env.SMS_HTTP_AUTHORIZATION && !env.SMS_HTTP_URL) {
      ctx.addIssue({ code: 'custom', path: ['SMS_HTTP_AUTHORIZATION'], message: 'is set but SMS_HTTP_URL is not (where should it be sent?)' });
    }
  });

export type Env = z.infer<typeof envSchema>;

/**
 * Outside the zero-setup mode, secrets must come from the operator so that every replica
 * shares them; generating them per process would break cookies and key decryption. Checked on
 * the raw environment so the message appears together with any other problem.
 */
function missingSecrets(env: Record<string, string | undefined>): string[] {
  if (!env.DATABASE_URL) return [];
  const problems: string[] = [];
  if (!env.ENCRYPTION_KEY) problems.push('ENCRYPTION_KEY is required when DATABASE_URL is set (openssl rand -base64 32) (missing)');
  if (!env.COOKIE_KEYS) problems.push('COOKIE_KEYS is required when DATABASE_URL is set (comma-separated secrets, 32+ characters each) (missing)');
  return problems;
}

export interface Config {
  port: number;
  host: string;
  issuer: string;
  /** true when the issuer is https: cookies get Secure and the __Host- prefix */
  secureCookies: boolean;
  trustProxy: boolean;
  logLevel: Env['LOG_LEVEL'];
  postgres: { mode: 'external'; url: string; poolMax: number } | { mode: 'embedded'; dataDir: string; poolMax: number };
  redis: { mode: 'external'; url: string; prefix: string } | { mode: 'memory'; prefix: string };
  dataDir: string;
  /** AES-256-GCM key for secrets at rest (signing keys, client secrets, later TOTP seeds) */
  encryptionKey: Buffer;
  /** Keygrip keys for signed cookies, newest first */
  cookieKeys: string[];
  session: { idleSeconds: number; maxSeconds: number };
  ttl: { accessToken: number; idToken: number; refreshToken: number };
  keyRefreshSeconds: number;
  /** second factors: wrong codes allowed in one sign-in; e-mail/SMS code lifetime and sending limits */
  secondFactor: { maxWrongCodes: number; codeTtlSeconds: number; resendCooldownSeconds: number; codesPerHour: number };
  demo: boolean;
  /** outgoing e-mail: SMTP server (unset: none), and the From header; `fromAddress` is what users allow through greylisting and spam filters */
  mail: { smtpUrl: string | undefined; from: string; fromAddress: string };
  /** outgoing SMS through a generic HTTP provider (unset url: none); countries where SMS codes are offered */
  sms: { httpUrl: string | undefined; authorization: string | undefined; timeoutMs: number; countries: string[] | 'all' };
  /**
   * Development outbox: e-mail and SMS are kept in process memory and shown at /dev/outbox
   * instead of being sent. Anyone who can reach that page reads every code in it.
   */
  outbox: boolean;
  /** the bearer token /metrics asks for; unset: /metrics is not served */
  metricsToken: string | undefined;
}

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** What the environment gives; secrets may still be missing in embedded mode. */
export type ParsedConfig = Omit<Config, 'encryptionKey' | 'cookieKeys'> & {
  encryptionKey: Buffer | undefined;
  cookieKeys: string[] | undefined;
};

/** Validate the environment and build the config object; throws ConfigError naming each variable. */
export function parseConfig(source: Record<string, string | undefined>): ParsedConfig {
  // An empty variable counts as unset, so `FOO= npm start` means "use the default".
  const env = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(env);
  const missing = missingSecrets(env);
  if (!parsed.success || missing.length) {
    throw new ConfigError([
      ...(parsed.error?.issues ?? []).map((issue) => {
        const name = String(issue.path[0] ?? 'environment');
        const value = env[name];
        const got = value === undefined ? 'missing' : secretNames.has(name) ? 'got a value' : `got ${JSON.stringify(withoutCredentials(value))}`;
        return `${name} ${issue.message} (${got})`;
      }),
      ...missing,
    ]);
  }
  const e = parsed.data;
  const issuer = (e.ISSUER ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  const embedded = !e.DATABASE_URL;
  return {
    port: e.PORT,
    host: e.HOST,
    issuer,
    secureCookies: issuer.startsWith('https:'),
    trustProxy: e.TRUST_PROXY,
    logLevel: e.LOG_LEVEL,
    postgres: e.DATABASE_URL
      ? { mode: 'external', url: e.DATABASE_URL, poolMax: e.PG_POOL_MAX }
      : // PGlite is one Postgres session behind pglite-socket, which queues every protocol message
        // on its own: with several connections, one connection's Parse/Bind/Execute interleave
        // with another's and the unnamed statement or portal is gone ("portal \"\" does not
        // exist") as soon as a transaction is open. One connection serialises them.
        { mode: 'embedded', dataDir: e.DATA_DIR, poolMax: embeddedPoolMax },
    redis: e.REDIS_URL ? { mode: 'external', url: e.REDIS_URL, prefix: e.REDIS_PREFIX } : { mode: 'memory', prefix: e.REDIS_PREFIX },
    dataDir: e.DATA_DIR,
    encryptionKey: e.ENCRYPTION_KEY ? Buffer.from(e.ENCRYPTION_KEY, 'base64') : undefined,
    cookieKeys: e.COOKIE_KEYS,
    session: { idleSeconds: e.SESSION_IDLE_SECONDS, maxSeconds: e.SESSION_MAX_SECONDS },
    ttl: { accessToken: e.ACCESS_TOKEN_TTL_SECONDS, idToken: e.ID_TOKEN_TTL_SECONDS, refreshToken: e.REFRESH_TOKEN_TTL_SECONDS },
    keyRefreshSeconds: e.KEY_REFRESH_SECONDS,
    secondFactor: {
      maxWrongCodes: e.SIGNIN_MAX_WRONG_CODES,
      codeTtlSeconds: e.CODE_TTL_SECONDS,
      resendCooldownSeconds: e.CODE_RESEND_SECONDS,
      codesPerHour: e.CODES_PER_HOUR,
    },
    demo: e.DEMO ?? embedded,
    mail: { smtpUrl: e.SMTP_URL, from: e.MAIL_FROM, fromAddress: parseMailFrom(e.MAIL_FROM)!.address },
    sms: {
      httpUrl: e.SMS_HTTP_URL,
      authorization: e.SMS_HTTP_AUTHORIZATION,
      timeoutMs: e.SMS_HTTP_TIMEOUT_MS,
      countries: e.SMS_COUNTRIES ?? defaultSmsCountries,
    },
    // Without an SMTP server, mail has nowhere to go but the outbox. With an https issuer that is
    // a real deployment, where the outbox would publish every code: there it must be asked for.
    outbox: e.OUTBOX ?? (!e.SMTP_URL && !issuer.startsWith('https:')),
    metricsToken: e.METRICS_TOKEN,
  };
}

/** connections to the embedded PGlite; PG_POOL_MAX applies to an external server only */
export const embeddedPoolMax = 1;

const secretNames = new Set(['ENCRYPTION_KEY', 'COOKIE_KEYS', 'DATABASE_URL', 'REDIS_URL', 'SMTP_URL', 'SMS_HTTP_URL', 'SMS_HTTP_AUTHORIZATION', 'METRICS_TOKEN']);

/** A value echoed in an error may be a URL with a password in it (ISSUER=https://u:p@…). */
function withoutCredentials(value: string): string {
  try {
    const u = new URL(value);
    if (!u.username && !u.password) return value;
    u.username = u.username ? '***' : '';
    u.password = u.password ? '***' : '';
    return u.href;
  } catch {
    return value;
  }
}
