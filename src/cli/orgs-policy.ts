// `twofold orgs policy`: show or change an organisation's two-step verification policy, so an
// operator can set it on a fresh install before there is an admin API. Every value is checked
// here, with a message that says what is accepted, before anything is written.
import { AppError } from '../errors.js';
import { factorKinds, rememberIpRules, twoFactorModes, type Organisation, type PolicyFactorKind, type TwoFactorPolicy } from '../storage/postgres/organisations.js';
import { jsonOption, str, usageError, type Command, type ParsedCommandArgs } from './command.js';
import { printJson, println } from './io.js';
import { fields } from './output.js';
import { checkSlug } from './orgs.js';

const oneOf = <T extends string>(option: string, value: string, allowed: readonly T[]): T => {
  if (!(allowed as readonly string[]).includes(value)) throw usageError(`--${option} must be one of ${allowed.join(', ')} (got ${JSON.stringify(value)})`);
  return value as T;
};

const bool = (option: string, value: string): boolean => oneOf(option, value, ['true', 'false'] as const) === 'true';

const int = (option: string, value: string, min: number, max: number): number => {
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) throw usageError(`--${option} must be a whole number from ${min} to ${max} (got ${JSON.stringify(value)})`);
  return Number(value);
};

/** YYYY-MM-DD as midnight UTC, or none. */
export function parseMandatoryFrom(value: string): Date | null {
  if (value === 'none') return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined;
  if (!m || !d || d.getUTCFullYear() !== Number(m[1]) || d.getUTCMonth() !== Number(m[2]) - 1 || d.getUTCDate() !== Number(m[3])) {
    throw usageError(`--mandatory-from must be a date as YYYY-MM-DD (from midnight UTC), or none (got ${JSON.stringify(value)})`);
  }
  return d;
}

export function parseAllowed(value: string): PolicyFactorKind[] {
  const kinds = value
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  if (!kinds.length) throw usageError(`--allowed needs at least one of ${factorKinds.join(', ')}`);
  for (const k of kinds) oneOf('allowed', k, factorKinds);
  return [...new Set(kinds)] as PolicyFactorKind[];
}

/** The change the options ask for (empty: only show the policy). */
export function policyChange(args: ParsedCommandArgs): Partial<TwoFactorPolicy> {
  const change: Partial<TwoFactorPolicy> = {};
  const v = (name: string) => str(args, name);
  if (v('mode') !== undefined) change.mode = oneOf('mode', v('mode')!, twoFactorModes);
  if (v('mandatory-from') !== undefined) change.mandatoryFrom = parseMandatoryFrom(v('mandatory-from')!);
  if (v('allowed') !== undefined) change.allowedMethods = parseAllowed(v('allowed')!);
  if (v('one-code-method') !== undefined) change.oneCodeMethod = bool('one-code-method', v('one-code-method')!);
  if (v('remember-days') !== undefined) change.rememberDeviceDays = int('remember-days', v('remember-days')!, 0, 90);
  if (v('remember-ip') !== undefined) change.rememberIpRule = oneOf('remember-ip', v('remember-ip')!, rememberIpRules);
  if (v('reset-cooloff-hours') !== undefined) change.resetCooloffSeconds = int('reset-cooloff-hours', v('reset-cooloff-hours')!, 0, 720) * 3600;
  if (v('logout-after-activation') !== undefined) change.logoutAfterActivation = bool('logout-after-activation', v('logout-after-activation')!);
  // "default" goes back to the server's setting
  if (v('max-wrong-codes') !== undefined) change.maxWrongCodes = v('max-wrong-codes') === 'default' ? null : int('max-wrong-codes', v('max-wrong-codes')!, 1, 20);
  if (v('code-ttl-seconds') !== undefined) change.codeTtlSeconds = v('code-ttl-seconds') === 'default' ? null : int('code-ttl-seconds', v('code-ttl-seconds')!, 30, 900);
  if (v('session-idle-seconds') !== undefined) change.sessionIdleSeconds = v('session-idle-seconds') === 'default' ? null : int('session-idle-seconds', v('session-idle-seconds')!, 60, 86_400);
  return change;
}

const day = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : null);

export const policyJson = (o: Organisation) => ({
  slug: o.slug,
  mode: o.policy.mode,
  mandatory_from: day(o.policy.mandatoryFrom),
  allowed_methods: o.policy.allowedMethods,
  one_code_method: o.policy.oneCodeMethod,
  remember_device_days: o.policy.rememberDeviceDays,
  remember_ip_rule: o.policy.rememberIpRule,
  reset_cooloff_hours: o.policy.resetCooloffSeconds / 3600,
  logout_after_activation: o.policy.logoutAfterActivation,
  max_wrong_codes: o.policy.maxWrongCodes,
  code_ttl_seconds: o.policy.codeTtlSeconds,
  session_idle_seconds: o.policy.sessionIdleSeconds,
});

function describe(o: Organisation): string {
  const p = o.policy;
  const mode = p.mode === 'required' && p.mandatoryFrom ? `required from ${day(p.mandatoryFrom)} (before it, users are invited to set it up)` : p.mode;
  return fields([
    ['Organisation', `${o.slug} (${o.name})`],
    ['Two-step verification', mode],
    ['Allowed methods', p.allowedMethods.join(', ')],
    ['One code method', p.oneCodeMethod ? 'yes: e-mail or SMS codes, not both' : 'no'],
    ['Remember device', p.rememberDeviceDays ? `${p.rememberDeviceDays} days, IP rule ${p.rememberIpRule}` : 'off'],
    ['Reset cool-off', p.resetCooloffSeconds ? `${p.resetCooloffSeconds / 3600} hours` : 'none'],
    ['Sign out after first method', p.logoutAfterActivation ? 'yes' : 'no'],
    ['Wrong codes per sign-in', p.maxWrongCodes === null ? "the server's setting (SIGNIN_MAX_WRONG_CODES)" : String(p.maxWrongCodes)],
    ['E-mail and SMS codes work', p.codeTtlSeconds === null ? "the server's setting (CODE_TTL_SECONDS)" : `${p.codeTtlSeconds} seconds`],
    ['Idle session ends after', p.sessionIdleSeconds === null ? "the server's setting (SESSION_IDLE_SECONDS)" : `${p.sessionIdleSeconds} seconds`],
  ]);
}

export const policyCommand: Command = {
  name: 'orgs policy',
  summary: "show or change an organisation's two-step verification policy",
  usage: `twofold orgs policy --slug SLUG [--mode off|optional|required] [--mandatory-from YYYY-MM-DD|none]
         [--allowed totp,email,sms,webauthn] [--one-code-method true|false] [--remember-days N]
         [--remember-ip exact|prefix|ignore] [--reset-cooloff-hours N] [--logout-after-activation true|false]
         [--max-wrong-codes N|default] [--code-ttl-seconds N|default]
         [--session-idle-seconds N|default] [--json]`,
  details: `Without a change, shows the policy.

Options:
  --slug SLUG                      the organisation
  --mode MODE                      off: no second factor is asked or offered; optional: users choose;
                                   required: every user must have one
  --mandatory-from DATE|none       with required: enforced from this day (midnight UTC); before it the
                                   sign-in invites users to set it up, with "Later"
  --allowed KINDS                  comma-separated methods users may set up and sign in with:
                                   totp, email, sms, webauthn
  --one-code-method true|false     at most one of e-mail and SMS codes per user
  --remember-days N                "Remember this device" for N days (0 to 90; 0 hides it)
  --remember-ip RULE               a remembered device must sign in from the exact IP address, the same
                                   network (prefix), or anywhere (ignore)
  --reset-cooloff-hours N          a self-service reset of two-step verification waits N hours (0 to 720)
  --logout-after-activation BOOL   sign the user out after their first method, to sign in again with it
  --max-wrong-codes N|default      wrong codes allowed in one sign-in (1 to 20), or the server's setting
  --code-ttl-seconds N|default     how long e-mail and SMS codes work (30 to 900), or the server's setting
  --session-idle-seconds N|default a signed-in session ends after N seconds without activity (60 to
                                   86400; SESSION_MAX_SECONDS still caps it), or the server's setting
  --json                           machine-readable output

Examples:
  twofold orgs policy --slug acme
  twofold orgs policy --slug acme --mode required --mandatory-from 2027-07-01 --allowed totp,webauthn
  twofold orgs policy --slug acme --mode optional --mandatory-from none`,
  options: {
    slug: { type: 'string' },
    mode: { type: 'string' },
    'mandatory-from': { type: 'string' },
    allowed: { type: 'string' },
    'one-code-method': { type: 'string' },
    'remember-days': { type: 'string' },
    'remember-ip': { type: 'string' },
    'reset-cooloff-hours': { type: 'string' },
    'logout-after-activation': { type: 'string' },
    'max-wrong-codes': { type: 'string' },
    'code-ttl-seconds': { type: 'string' },
    'session-idle-seconds': { type: 'string' },
    ...jsonOption,
  },
  async run(args, { io, withStorage }) {
    const slug = str(args, 'slug');
    if (slug === undefined || !slug.trim()) throw usageError('--slug is required');
    checkSlug(slug);
    const change = policyChange(args);
    const changed = Object.keys(change).length > 0;
    const org = await withStorage(async (s) => {
      const found = await s.organisations.findBySlug(slug);
      if (!found) throw new AppError('not_found', 404, `no organisation with slug ${slug} (see: twofold orgs list)`);
      if (!changed) return found;
      return (await s.organisations.savePolicy(found.id, change))!;
    });
    if (args.values['json']) {
      printJson(io, policyJson(org));
      return;
    }
    if (changed) println(io.stdout, `Saved the policy of ${org.slug}.\n`);
    println(io.stdout, describe(org));
    if (org.policy.mandatoryFrom && org.policy.mode !== 'required') println(io.stdout, `\nNote: the mandatory-from date only applies with --mode required.`);
  },
};
