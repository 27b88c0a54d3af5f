// An organisation's two-step verification policy, defined once. `policyShape` is the zod schema
// of every field in the admin API's terms (the wire form: the API, OpenAPI, `twofold export` and
// `apply`); `policyFields` says, for each field, everything else a surface needs: the domain
// property, the Postgres column, the default, the CLI flag and its unit, the console's form field
// and catalogue keys, and the words that explain it. The API schema, the repository's SQL, the CLI
// flags and help, the console form and the table in docs/organisations.md are derived from these
// two (test/organisations/policy.unit.test.ts and test/docs/policy-table.test.ts check the rest).
// Adding a field: a migration for its column, a line in each of the two, a property of
// TwoFactorPolicy, its texts in the catalogue, and `npm run docs:policy`.
import { z } from 'zod';
import type { FactorKind } from '../factors/registry.js';

export const twoFactorModes = ['off', 'optional', 'required'] as const;
export type TwoFactorMode = (typeof twoFactorModes)[number];
/**
 * The kinds an organisation can allow: every stored kind of the factor registry (a test checks
 * they are the same; the column's CHECK lists them too), in the order the policy shows them.
 */
export const policyFactorKinds = ['totp', 'email', 'sms', 'webauthn'] as const satisfies readonly FactorKind[];
export type PolicyFactorKind = (typeof policyFactorKinds)[number];
export const rememberIpRules = ['exact', 'prefix', 'ignore'] as const;
export type RememberIpRule = (typeof rememberIpRules)[number];

/** The policy as the domain uses it. */
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

/** Every field in the API's terms, with its type, range and allowed values. */
export const policyShape = {
  mode: z.enum(twoFactorModes),
  allowed_methods: z.array(z.enum(policyFactorKinds)).min(1),
  one_code_method: z.boolean(),
  mandatory_from: z.iso.datetime({ offset: true }).nullable(),
  remember_device_days: z.number().int().min(0).max(90),
  remember_ip_rule: z.enum(rememberIpRules),
  reset_cooloff_seconds: z.number().int().min(0).max(2_592_000),
  logout_after_activation: z.boolean(),
  max_wrong_codes: z.number().int().min(1).max(20).nullable(),
  code_ttl_seconds: z.number().int().min(30).max(900).nullable(),
  session_idle_seconds: z.number().int().min(60).max(86_400).nullable(),
};

export type PolicyFieldName = keyof typeof policyShape;
/** A whole policy in the API's terms. */
export type PolicyWire = { [K in PolicyFieldName]: z.output<(typeof policyShape)[K]> };

/** A unit a surface asks a number in, when it is not the stored one (hours for seconds). */
export interface Unit {
  /** the unit's name in flags and JSON (reset_cooloff_hours) */
  name: string;
  /** how many stored units one of it is */
  factor: number;
}

export interface PolicyField<K extends keyof TwoFactorPolicy = keyof TwoFactorPolicy> {
  /** the TwoFactorPolicy property */
  key: K;
  /** the organisations column */
  column: string;
  /** an organisation created without a policy has this (the column's default) */
  default: TwoFactorPolicy[K];
  /** a short name (CLI output, the docs table) */
  label: string;
  /** what it means (the API's description, CLI help, the docs table) */
  help: string;
  /** for a field that may be null: the server setting null stands for */
  serverSetting?: string;
  cli: { flag: string; unit?: Unit };
  console: {
    /** the form field; with a unit, the number is asked in it */
    name: string;
    unit?: Unit;
    /** the label's catalogue key (admin_console.…) */
    label: string;
    /** the key of a help line under the label */
    help?: string;
    /** the catalogue key of each allowed value's text, `%s` standing for the value */
    option?: string;
    /** how a choice is asked (default: radio buttons for an enum, checkboxes for a list) */
    control?: 'select';
  };
}

const hours: Unit = { name: 'hours', factor: 3600 };
const minutes: Unit = { name: 'minutes', factor: 60 };

/** Everything but the type, for each field; its order is the order every surface shows. */
export const policyFields = {
  mode: {
    key: 'mode',
    column: 'twofa_mode',
    default: 'optional',
    label: 'Two-step verification',
    help: 'off: no second factor is asked or offered; optional: users choose; required: every user must have one (from mandatory_from, when set)',
    cli: { flag: 'mode' },
    console: { name: 'mode', label: 'field_mode', option: 'mode_%s_help' },
  },
  allowed_methods: {
    key: 'allowedMethods',
    column: 'allowed_methods',
    default: [...policyFactorKinds],
    label: 'Allowed methods',
    help: 'the kinds of second factor users may set up and sign in with',
    cli: { flag: 'allowed' },
    console: { name: 'allowed_methods', label: 'field_allowed_methods', option: 'method_%s' },
  },
  one_code_method: {
    key: 'oneCodeMethod',
    column: 'one_code_method',
    default: false,
    label: 'One code method',
    help: 'at most one of e-mail and SMS codes per user',
    cli: { flag: 'one-code-method' },
    console: { name: 'one_code_method', label: 'one_code_method_help' },
  },
  mandatory_from: {
    key: 'mandatoryFrom',
    column: 'mandatory_from',
    default: null,
    label: 'Required from',
    help: 'with required: enforced from this moment; before it the sign-in invites users to set it up, with "Later"',
    cli: { flag: 'mandatory-from' },
    console: { name: 'mandatory_from', label: 'field_mandatory_from', help: 'mandatory_from_help' },
  },
  remember_device_days: {
    key: 'rememberDeviceDays',
    column: 'remember_device_days',
    default: 7,
    label: 'Remember a device for',
    help: '"Remember this device" for this many days; 0 hides it',
    cli: { flag: 'remember-days' },
    console: { name: 'remember_device_days', label: 'field_remember_device_days' },
  },
  remember_ip_rule: {
    key: 'rememberIpRule',
    column: 'remember_ip_rule',
    default: 'exact',
    label: "A remembered device's IP address",
    help: 'a remembered device must sign in from the exact IP address, the same network (/24 or /64), or anywhere (ignore)',
    cli: { flag: 'remember-ip' },
    console: { name: 'remember_ip_rule', label: 'field_remember_ip_rule', option: 'ip_rule_%s', control: 'select' },
  },
  reset_cooloff_seconds: {
    key: 'resetCooloffSeconds',
    column: 'reset_cooloff_seconds',
    default: 0,
    label: 'Reset cool-off',
    help: 'a self-service reset of two-step verification takes effect after this long (0: at once)',
    cli: { flag: 'reset-cooloff-hours', unit: hours },
    console: { name: 'reset_cooloff_hours', unit: hours, label: 'field_reset_cooloff_hours' },
  },
  logout_after_activation: {
    key: 'logoutAfterActivation',
    column: 'logout_after_activation',
    default: false,
    label: 'Sign out after first method',
    help: "end the session after the user's first method, to sign in again with it",
    cli: { flag: 'logout-after-activation' },
    console: { name: 'logout_after_activation', label: 'logout_after_activation_help' },
  },
  max_wrong_codes: {
    key: 'maxWrongCodes',
    column: 'max_wrong_codes',
    default: null,
    label: 'Wrong codes per sign-in',
    help: 'wrong codes allowed in one sign-in',
    serverSetting: 'SIGNIN_MAX_WRONG_CODES',
    cli: { flag: 'max-wrong-codes' },
    console: { name: 'max_wrong_codes', label: 'field_max_wrong_codes', help: 'server_default_help' },
  },
  code_ttl_seconds: {
    key: 'codeTtlSeconds',
    column: 'code_ttl_seconds',
    default: null,
    label: 'E-mail and SMS codes work for',
    help: 'how long e-mail and SMS sign-in codes work',
    serverSetting: 'CODE_TTL_SECONDS',
    cli: { flag: 'code-ttl-seconds' },
    console: { name: 'code_ttl_seconds', label: 'field_code_ttl_seconds', help: 'server_default_help' },
  },
  session_idle_seconds: {
    key: 'sessionIdleSeconds',
    column: 'session_idle_seconds',
    default: null,
    label: 'Idle session ends after',
    help: 'a signed-in session ends after this long without activity (SESSION_MAX_SECONDS still caps it)',
    serverSetting: 'SESSION_IDLE_SECONDS',
    cli: { flag: 'session-idle-seconds' },
    console: { name: 'session_idle_minutes', unit: minutes, label: 'field_session_idle_seconds', help: 'session_idle_help' },
  },
} satisfies { [N in PolicyFieldName]: PolicyField };

// every property of TwoFactorPolicy has its field (a missing one is a compile error here)
type Described = (typeof policyFields)[PolicyFieldName]['key'];
const everyPropertyDescribed: [Exclude<keyof TwoFactorPolicy, Described>] extends [never] ? true : never = true;
void everyPropertyDescribed;

export const policyFieldNames = Object.keys(policyShape) as PolicyFieldName[];

/** What kind of value a field holds, read from its zod type: what surfaces need to ask for it. */
export type FieldType =
  | { type: 'choice'; values: readonly string[]; nullable: boolean }
  | { type: 'choices'; values: readonly string[]; nullable: boolean }
  | { type: 'boolean'; nullable: boolean }
  | { type: 'moment'; nullable: boolean }
  | { type: 'number'; min: number; max: number; nullable: boolean };

export function fieldType(name: PolicyFieldName): FieldType {
  let schema: z.ZodType = policyShape[name];
  const nullable = schema instanceof z.ZodNullable;
  if (schema instanceof z.ZodNullable) schema = schema.unwrap() as z.ZodType;
  if (schema instanceof z.ZodEnum) return { type: 'choice', values: schema.options as string[], nullable };
  if (schema instanceof z.ZodArray && schema.element instanceof z.ZodEnum) return { type: 'choices', values: schema.element.options as string[], nullable };
  if (schema instanceof z.ZodBoolean) return { type: 'boolean', nullable };
  if (schema instanceof z.ZodNumber && schema.minValue !== null && schema.maxValue !== null) return { type: 'number', min: schema.minValue, max: schema.maxValue, nullable };
  if (schema instanceof z.ZodISODateTime) return { type: 'moment', nullable };
  throw new Error(`policy field ${name}: a zod type no surface knows how to ask for`);
}

/** The policy of an organisation created without one (the columns' defaults). */
export const defaultPolicy = Object.fromEntries(policyFieldNames.map((n) => [policyFields[n].key, policyFields[n].default])) as unknown as TwoFactorPolicy;

/** A domain value in the API's terms: a moment as an ISO string. */
const wireValue = (value: unknown): unknown => (value instanceof Date ? value.toISOString() : value);
/** An API value in domain terms: an ISO moment as a Date, a list without repeats. */
function domainValue(name: PolicyFieldName, value: unknown): unknown {
  const t = fieldType(name);
  if (t.type === 'moment' && typeof value === 'string') return new Date(value);
  if (t.type === 'choices' && Array.isArray(value)) return [...new Set(value)];
  return value;
}

/** The policy in the API's terms (what the API answers and `twofold export` writes). */
export function policyToWire(p: TwoFactorPolicy): PolicyWire {
  return Object.fromEntries(policyFieldNames.map((n) => [n, wireValue(p[policyFields[n].key])])) as PolicyWire;
}

/** The fields an API input gives, in domain terms. */
export function policyFromWire(input: Partial<PolicyWire>): Partial<TwoFactorPolicy> {
  const change: Record<string, unknown> = {};
  for (const n of policyFieldNames) if (input[n] !== undefined) change[policyFields[n].key] = domainValue(n, input[n]);
  return change as Partial<TwoFactorPolicy>;
}

/** Whether 2FA is enforced for this organisation at `now` (required, and past any mandatory-from date). */
export function twoFactorEnforced(policy: TwoFactorPolicy, now: Date): boolean {
  return policy.mode === 'required' && (!policy.mandatoryFrom || policy.mandatoryFrom.getTime() <= now.getTime());
}

/** The Postgres type of a field's column, for the repository's parameters. */
export function columnType(name: PolicyFieldName): 'text' | 'text[]' | 'boolean' | 'timestamptz' | 'integer' {
  const t = fieldType(name);
  return t.type === 'choice' ? 'text' : t.type === 'choices' ? 'text[]' : t.type === 'boolean' ? 'boolean' : t.type === 'moment' ? 'timestamptz' : 'integer';
}
