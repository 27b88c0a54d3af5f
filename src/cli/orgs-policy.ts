// `twofold orgs policy`: show or change an organisation's two-step verification policy, so an
// operator can set it on a fresh install before there is an admin API. The flags, their help
// and their checks come from the policy's one definition (src/organisations/policy.ts); every
// value is checked here, with a message that says what is accepted, before anything is written.
import { AppError } from '../errors.js';
import type { Organisation } from '../storage/postgres/organisations.js';
import { fieldType, policyFieldNames, policyFields, type PolicyField, type PolicyFieldName, type TwoFactorPolicy, type Unit } from '../organisations/policy.js';
import { jsonOption, str, usageError, type Command, type ParsedCommandArgs } from './command.js';
import { printJson, println } from './io.js';
import { fields } from './output.js';
import { checkSlug } from './orgs.js';

const oneOf = <T extends string>(option: string, value: string, allowed: readonly T[]): T => {
  if (!(allowed as readonly string[]).includes(value)) throw usageError(`--${option} must be one of ${allowed.join(', ')} (got ${JSON.stringify(value)})`);
  return value as T;
};

const int = (option: string, value: string, min: number, max: number): number => {
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) throw usageError(`--${option} must be a whole number from ${min} to ${max} (got ${JSON.stringify(value)})`);
  return Number(value);
};

/** YYYY-MM-DD as midnight UTC, or none. */
export function parseMandatoryFrom(value: string, flag = 'mandatory-from'): Date | null {
  if (value === 'none') return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined;
  if (!m || !d || d.getUTCFullYear() !== Number(m[1]) || d.getUTCMonth() !== Number(m[2]) - 1 || d.getUTCDate() !== Number(m[3])) {
    throw usageError(`--${flag} must be a date as YYYY-MM-DD (from midnight UTC), or none (got ${JSON.stringify(value)})`);
  }
  return d;
}

function parseList(flag: string, value: string, allowed: readonly string[]): string[] {
  const items = value
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  if (!items.length) throw usageError(`--${flag} needs at least one of ${allowed.join(', ')}`);
  for (const k of items) oneOf(flag, k, allowed);
  return [...new Set(items)];
}

/** A number's range in the unit the flag asks it in (hours for a field kept in seconds). */
const scaled = (t: { min: number; max: number }, unit: Unit | undefined) => ({ min: Math.ceil(t.min / (unit?.factor ?? 1)), max: Math.floor(t.max / (unit?.factor ?? 1)) });

/** What a field's flag accepts, for the help text. */
function accepts(n: PolicyFieldName): string {
  const t = fieldType(n);
  const f: PolicyField = policyFields[n];
  const base =
    t.type === 'choice' ? t.values.join('|') : t.type === 'choices' ? `${t.values.join(',')} (comma-separated)` : t.type === 'boolean' ? 'true|false' : t.type === 'moment' ? 'YYYY-MM-DD|none' : `N`;
  if (t.type !== 'number') return base;
  const r = scaled(t, f.cli.unit);
  return `${base} (${r.min} to ${r.max}${f.cli.unit ? ` ${f.cli.unit.name}` : ''})${t.nullable ? '|default' : ''}`;
}

/** One flag's value in domain terms; "default" (a number) or "none" (a date) clears a field that may be null. */
function parseFlag(n: PolicyFieldName, value: string): unknown {
  const t = fieldType(n);
  const f: PolicyField = policyFields[n];
  const flag = f.cli.flag;
  switch (t.type) {
    case 'choice':
      return oneOf(flag, value, t.values);
    case 'choices':
      return parseList(flag, value, t.values);
    case 'boolean':
      return oneOf(flag, value, ['true', 'false'] as const) === 'true';
    case 'moment':
      return parseMandatoryFrom(value, flag);
    case 'number': {
      if (t.nullable && value === 'default') return null;
      const r = scaled(t, f.cli.unit);
      return int(flag, value, r.min, r.max) * (f.cli.unit?.factor ?? 1);
    }
  }
}

/** The change the options ask for (empty: only show the policy). */
export function policyChange(args: ParsedCommandArgs): Partial<TwoFactorPolicy> {
  const change: Record<string, unknown> = {};
  for (const n of policyFieldNames) {
    const value = str(args, policyFields[n].cli.flag);
    if (value !== undefined) change[policyFields[n].key] = parseFlag(n, value);
  }
  return change as Partial<TwoFactorPolicy>;
}

const day = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : null);

/** A field in the flag's terms: a day for a moment, hours for seconds asked in hours. */
function flagValue(n: PolicyFieldName, value: unknown): unknown {
  const unit = (policyFields[n] as PolicyField).cli.unit;
  if (value instanceof Date || (value === null && fieldType(n).type === 'moment')) return day(value as Date | null);
  return unit && typeof value === 'number' ? value / unit.factor : value;
}

/** `--json`: the slug, then every field under its API name (reset_cooloff_hours for a field asked in hours). */
export const policyJson = (o: Organisation) => ({
  slug: o.slug,
  ...Object.fromEntries(
    policyFieldNames.map((n) => {
      const unit = (policyFields[n] as PolicyField).cli.unit;
      return [unit ? n.replace(/seconds$/, unit.name) : n, flagValue(n, o.policy[policyFields[n].key])];
    }),
  ),
});

/** A field's value in words: units named, a null one as the server's setting. */
function inWords(n: PolicyFieldName, value: unknown): string {
  const f: PolicyField = policyFields[n];
  const t = fieldType(n);
  if (value === null) return f.serverSetting ? `the server's setting (${f.serverSetting})` : 'none';
  if (Array.isArray(value)) return value.join(', ');
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (t.type === 'number') {
    const unit = f.cli.unit?.name ?? /_(seconds|days)$/.exec(n)?.[1];
    return unit ? `${flagValue(n, value)} ${unit}` : String(value);
  }
  return String(flagValue(n, value));
}

function describe(o: Organisation): string {
  return fields([['Organisation', `${o.slug} (${o.name})`], ...policyFieldNames.map((n): [string, string] => [policyFields[n].label, inWords(n, o.policy[policyFields[n].key])])]);
}

/** The synopsis: every flag with what it takes, wrapped under the command. */
function usageLine(): string {
  const words = ['twofold orgs policy --slug SLUG', ...policyFieldNames.map((n) => `[--${policyFields[n].cli.flag} ${accepts(n).replace(/ \(.*?\)/g, '')}]`), '[--json]'];
  const lines: string[] = [];
  for (const w of words) {
    if (lines.length && `${lines[lines.length - 1]} ${w}`.length <= 100) lines[lines.length - 1] += ` ${w}`;
    else lines.push(w);
  }
  return lines.join('\n         ');
}

const flagsHelp = policyFieldNames
  .map((n) => {
    const f: PolicyField = policyFields[n];
    const head = `  --${f.cli.flag} ${accepts(n)}`;
    const help = f.serverSetting ? `${f.help}; default: the server's ${f.serverSetting}` : f.help;
    return `${head}\n      ${help}`;
  })
  .join('\n');

export const policyCommand: Command = {
  name: 'orgs policy',
  summary: "show or change an organisation's two-step verification policy",
  usage: usageLine(),
  details: `Without a change, shows the policy.

Options:
  --slug SLUG
      the organisation
${flagsHelp}
  --json
      machine-readable output

Examples:
  twofold orgs policy --slug acme
  twofold orgs policy --slug acme --mode required --mandatory-from 2027-07-01 --allowed totp,webauthn
  twofold orgs policy --slug acme --mode optional --mandatory-from none`,
  options: {
    slug: { type: 'string' },
    ...Object.fromEntries(policyFieldNames.map((n) => [policyFields[n].cli.flag, { type: 'string' as const }])),
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
