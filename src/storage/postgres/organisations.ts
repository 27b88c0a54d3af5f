// Organisations (customer contracts) that accounts belong to, with their two-step verification
// policy (migrations/1764200000000_organisation_policy.sql says what each field means).
import type { Queryable } from './db.js';
import { isUuid } from './lookup-keys.js';

export const twoFactorModes = ['off', 'optional', 'required'] as const;
export type TwoFactorMode = (typeof twoFactorModes)[number];
export const factorKinds = ['totp', 'email', 'sms', 'webauthn'] as const;
export type PolicyFactorKind = (typeof factorKinds)[number];
export const rememberIpRules = ['exact', 'prefix', 'ignore'] as const;
export type RememberIpRule = (typeof rememberIpRules)[number];

export interface TwoFactorPolicy {
  mode: TwoFactorMode;
  allowedMethods: PolicyFactorKind[];
  /** at most one of the code methods (e-mail, SMS) enrolled at a time */
  oneCodeMethod: boolean;
  /** with mode "required": enrolment is enforced from this moment; before it a banner invites it */
  mandatoryFrom: Date | null;
  /** 0 hides "Remember this device" */
  rememberDeviceDays: number;
  rememberIpRule: RememberIpRule;
  /** a self-service 2FA reset takes effect after this many seconds (0: at once) */
  resetCooloffSeconds: number;
  /** end the session after the first second factor is activated */
  logoutAfterActivation: boolean;
  /** wrong codes allowed in one sign-in; null: the server's SIGNIN_MAX_WRONG_CODES */
  maxWrongCodes: number | null;
  /** how long an e-mail or SMS code works; null: the server's CODE_TTL_SECONDS */
  codeTtlSeconds: number | null;
  /** a signed-in session ends after this long without activity; null: the server's SESSION_IDLE_SECONDS */
  sessionIdleSeconds: number | null;
}

export interface Organisation {
  id: string;
  slug: string;
  name: string;
  createdAt: Date;
  policy: TwoFactorPolicy;
}

/** The policy of an organisation created without one (the columns' defaults). */
export const defaultPolicy: TwoFactorPolicy = {
  mode: 'optional',
  allowedMethods: [...factorKinds],
  oneCodeMethod: false,
  mandatoryFrom: null,
  rememberDeviceDays: 7,
  rememberIpRule: 'exact',
  resetCooloffSeconds: 0,
  logoutAfterActivation: false,
  maxWrongCodes: null,
  codeTtlSeconds: null,
  sessionIdleSeconds: null,
};

interface Row {
  id: string;
  slug: string;
  name: string;
  created_at: Date;
  twofa_mode: TwoFactorMode;
  allowed_methods: PolicyFactorKind[];
  one_code_method: boolean;
  mandatory_from: Date | null;
  remember_device_days: number;
  remember_ip_rule: RememberIpRule;
  reset_cooloff_seconds: number;
  logout_after_activation: boolean;
  max_wrong_codes: number | null;
  code_ttl_seconds: number | null;
  session_idle_seconds: number | null;
}

const fromRow = (r: Row): Organisation => ({
  id: r.id,
  slug: r.slug,
  name: r.name,
  createdAt: r.created_at,
  policy: {
    mode: r.twofa_mode,
    allowedMethods: r.allowed_methods,
    oneCodeMethod: r.one_code_method,
    mandatoryFrom: r.mandatory_from,
    rememberDeviceDays: r.remember_device_days,
    rememberIpRule: r.remember_ip_rule,
    resetCooloffSeconds: r.reset_cooloff_seconds,
    logoutAfterActivation: r.logout_after_activation,
    maxWrongCodes: r.max_wrong_codes,
    codeTtlSeconds: r.code_ttl_seconds,
    sessionIdleSeconds: r.session_idle_seconds,
  },
});

const columns = `id, slug, name, created_at, twofa_mode, allowed_methods, one_code_method, mandatory_from,
  remember_device_days, remember_ip_rule, reset_cooloff_seconds, logout_after_activation, max_wrong_codes, code_ttl_seconds, session_idle_seconds`;
/** the CHECK of organisations.slug: anything else cannot exist, and may not reach Postgres (NUL) */
const slugPattern = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** Whether 2FA is enforced for this organisation at `now` (required, and past any mandatory-from date). */
export function twoFactorEnforced(policy: TwoFactorPolicy, now: Date): boolean {
  return policy.mode === 'required' && (!policy.mandatoryFrom || policy.mandatoryFrom.getTime() <= now.getTime());
}

/** Postgres NOTIFY channel on which every change of an organisation is announced (payload: its id). */
export const organisationsChannel = 'twofold_organisations';

/**
 * `onChange` is told of every change made through this repository in this process; other
 * processes learn of it from the NOTIFY on organisationsChannel, sent when the change commits.
 */
export function createOrganisationsRepo(db: Queryable, opts: { onChange?: (organisationId: string) => void } = {}) {
  return {
    async findById(id: string): Promise<Organisation | undefined> {
      if (!isUuid(id)) return undefined;
      const { rows } = await db.query<Row>(`SELECT ${columns} FROM organisations WHERE id = $1`, [id]);
      return rows[0] && fromRow(rows[0]);
    },
    async findBySlug(slug: string): Promise<Organisation | undefined> {
      if (!slugPattern.test(slug)) return undefined;
      const { rows } = await db.query<Row>(`SELECT ${columns} FROM organisations WHERE slug = $1`, [slug]);
      return rows[0] && fromRow(rows[0]);
    },
    async list(): Promise<Organisation[]> {
      const { rows } = await db.query<Row>(`SELECT ${columns} FROM organisations ORDER BY slug`);
      return rows.map(fromRow);
    },
    /** One page in slug order after the given slug; `only` limits it to one organisation (an org admin's view). */
    async page(opts: { after?: string | undefined; limit: number; only?: string | undefined }): Promise<Organisation[]> {
      const { rows } = await db.query<Row>(`SELECT ${columns} FROM organisations WHERE ($1::text IS NULL OR slug > $1) AND ($2::uuid IS NULL OR id = $2) ORDER BY slug LIMIT $3`, [
        opts.after ?? null,
        opts.only ?? null,
        opts.limit,
      ]);
      return rows.map(fromRow);
    },
    async rename(id: string, name: string): Promise<Organisation | undefined> {
      if (!isUuid(id)) return undefined;
      const { rows } = await db.query<Row>(
        `WITH saved AS (UPDATE organisations SET name = $2, updated_at = now() WHERE id = $1 RETURNING ${columns})
         SELECT saved.*, pg_notify('${organisationsChannel}', saved.id::text) FROM saved`,
        [id, name],
      );
      opts.onChange?.(id);
      return rows[0] && fromRow(rows[0]);
    },
    async save(input: { slug: string; name: string }): Promise<Organisation> {
      const { rows } = await db.query<Row>(
        `WITH saved AS (
           INSERT INTO organisations (slug, name) VALUES ($1, $2)
           ON CONFLICT (slug) DO UPDATE SET name = EXCLUDED.name, updated_at = now()
           RETURNING ${columns})
         SELECT saved.*, pg_notify('${organisationsChannel}', saved.id::text) FROM saved`,
        [input.slug, input.name],
      );
      opts.onChange?.(rows[0]!.id);
      return fromRow(rows[0]!);
    },
    /** Change some of the policy; undefined when there is no such organisation. */
    async savePolicy(id: string, change: Partial<TwoFactorPolicy>): Promise<Organisation | undefined> {
      if (!isUuid(id)) return undefined;
      const p = change;
      const { rows } = await db.query<Row>(
        `WITH saved AS (UPDATE organisations SET
           twofa_mode = COALESCE($2, twofa_mode),
           allowed_methods = COALESCE($3, allowed_methods),
           one_code_method = COALESCE($4, one_code_method),
           mandatory_from = CASE WHEN $5::boolean THEN $6::timestamptz ELSE mandatory_from END,
           remember_device_days = COALESCE($7, remember_device_days),
           remember_ip_rule = COALESCE($8, remember_ip_rule),
           reset_cooloff_seconds = COALESCE($9, reset_cooloff_seconds),
           logout_after_activation = COALESCE($10, logout_after_activation),
           max_wrong_codes = CASE WHEN $11::boolean THEN $12::integer ELSE max_wrong_codes END,
           code_ttl_seconds = CASE WHEN $13::boolean THEN $14::integer ELSE code_ttl_seconds END,
           session_idle_seconds = CASE WHEN $15::boolean THEN $16::integer ELSE session_idle_seconds END,
           updated_at = now()
         WHERE id = $1 RETURNING ${columns})
         SELECT saved.*, pg_notify('${organisationsChannel}', saved.id::text) FROM saved`,
        [
          id,
          p.mode ?? null,
          p.allowedMethods ?? null,
          p.oneCodeMethod ?? null,
          'mandatoryFrom' in p,
          p.mandatoryFrom ?? null,
          p.rememberDeviceDays ?? null,
          p.rememberIpRule ?? null,
          p.resetCooloffSeconds ?? null,
          p.logoutAfterActivation ?? null,
          'maxWrongCodes' in p,
          p.maxWrongCodes ?? null,
          'codeTtlSeconds' in p,
          p.codeTtlSeconds ?? null,
          'sessionIdleSeconds' in p,
          p.sessionIdleSeconds ?? null,
        ],
      );
      opts.onChange?.(id);
      return rows[0] && fromRow(rows[0]);
    },
  };
}

export type OrganisationsRepo = ReturnType<typeof createOrganisationsRepo>;
