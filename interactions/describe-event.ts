// Audit events in plain words, for the two pages that show them: the user's own "Recent security
// activity" on My profile (short: what happened to my account) and the console's audit log (for
// an administrator: what happened, why, who did it, from where, and whatever else the event
// holds). Both read the same details the writers put there (grep `audit.record(`); the admin
// API keeps returning them as JSON (src/admin/audit.ts).
import type { AuditEventType, StoredAuditEvent } from '../src/storage/postgres/audit.js';
import { factorOf, isFactorKind, registry } from '../src/factors/registry.js';
import { formatDateTime } from '../src/i18n/format.js';
import type { Translator } from '../src/i18n/i18n.js';
import { describeBrowser, describeDuration } from '../src/i18n/describe.js';

type Details = Record<string, unknown>;

/** A kind of second factor in an audit sentence, by its Factor's catalogue key ("method" for a kind no longer registered). */
const kindKey = (kind: unknown) => (typeof kind === 'string' && registry.some((f) => f.kind === kind) ? factorOf(kind).catalogue.kind : undefined);
const kindName = (tr: Translator, kind: unknown) => {
  const key = kindKey(kind);
  return key ? tr.t(key) : tr.t('activity.kind_unknown');
};

/** "Chrome on Linux" from a User-Agent header; "Unknown browser" when it says nothing we know. */
export function browserFamily(tr: Translator, userAgent: string | null | undefined): string {
  return describeBrowser(tr, userAgent ?? undefined) ?? tr.t('activity.unknown_browser');
}

// ---- My profile: the account owner's own events ------------------------------------------

/** What the owner sees for each event (the rest are shown as "Security setting changed"). */
const ownerKeys: Partial<Record<AuditEventType, string>> = {
  'signin.succeeded': 'activity.signin_succeeded',
  'signin.failed': 'activity.signin_failed',
  'signin.abandoned': 'activity.signin_abandoned',
  logout: 'activity.logout',
  'factor.enrolled': 'activity.factor_enrolled',
  'factor.removed': 'activity.factor_removed',
  'factor.updated': 'activity.factor_updated',
  'factor.preferred': 'activity.factor_preferred',
  'twofactor.enabled': 'activity.twofactor_enabled',
  'twofactor.disabled': 'activity.twofactor_disabled',
  'recovery_codes.generated': 'activity.recovery_codes_generated',
  'recovery_codes.used': 'activity.recovery_codes_used',
  'sessions.ended_others': 'activity.sessions_ended_others',
  'account.signed_out_everywhere': 'activity.signed_out_everywhere',
  'password.changed': 'activity.password_changed',
  'password.reset_requested': 'activity.password_reset_requested',
  'factor.reset_requested': 'activity.factor_reset_requested',
  'factor.reset': 'activity.factor_reset',
  'factor.reset_cancelled': 'activity.factor_reset_cancelled',
  'factor.disabled_by_admin': 'activity.factor_disabled_by_admin',
  'factor.exemption_ended': 'activity.factor_exemption_ended',
  'device.remembered': 'activity.device_remembered',
  'device.forgotten': 'activity.device_forgotten',
  'device.not_honoured': 'activity.device_not_honoured',
  'consent.granted': 'activity.consent_granted',
  'email.confirmed': 'activity.email_confirmed',
  'session.expired_idle': 'activity.session_expired',
  'session.expired_absolute': 'activity.session_expired',
  'session.expired': 'activity.session_expired',
};

/** One line of the owner's "Recent security activity". */
export function describeForOwner(tr: Translator, e: Pick<StoredAuditEvent, 'type' | 'details'>): string {
  const d = e.details;
  const key = ownerKeys[e.type] ?? 'activity.other';
  // the owner's lines name the kinds of stored factors; anything else is "method"
  const kind = typeof d['kind'] === 'string' && isFactorKind(d['kind']) ? tr.t(factorOf(d['kind']).catalogue.kind) : tr.t('activity.kind_unknown');
  const change = d['change'] === 'destination' ? tr.t('activity.change_destination') : tr.t('activity.change_name');
  return tr.t(key, { kind, change, count: typeof d['remaining'] === 'number' ? d['remaining'] : typeof d['ended'] === 'number' ? d['ended'] : 0 });
}

// ---- the console: every event, for an administrator ---------------------------------------

/** Names the console knows: accounts by e-mail address, organisations by name. */
export interface AuditNames {
  account(id: string): string | undefined;
  organisation(idOrSlug: string): string | undefined;
}

export interface AuditLine {
  /** the sentence, with the reason and the outcome: "Two-step verification reset: lost phone — 2 methods removed" */
  what: string;
  /** who did it: "ada@example.com (console)", "The user", "Twofold itself", … */
  by: string;
  /** IP address and browser family, "—" when the event has neither */
  from: string;
  /** what else the event holds, "key: value" (identifiers stay in the admin API's JSON) */
  facts: { key: string; value: string }[];
}

/** A stored event (the database answers null where nothing was recorded). */
type AdminEvent = Pick<StoredAuditEvent, 'type' | 'details'> & {
  accountId?: string | null | undefined;
  clientId?: string | null | undefined;
  ip?: string | null | undefined;
  userAgent?: string | null | undefined;
};

interface Said {
  text: string;
  /** a code ("wrong_password") said in words, or an administrator's own words */
  reason?: string | undefined;
  outcome?: string | undefined;
  /** details the sentence unpacked (e.g. the fields of a change), shown as facts */
  facts?: [string, unknown][];
}

/** The details, remembering which ones the sentence used: the others become facts. */
function reader(details: Details) {
  const used = new Set<string>();
  const raw = (key: string): unknown => {
    used.add(key);
    return details[key];
  };
  return {
    used,
    raw,
    str: (key: string): string | undefined => {
      const v = raw(key);
      return typeof v === 'string' ? v : undefined;
    },
    num: (key: string): number | undefined => {
      const v = raw(key);
      return typeof v === 'number' ? v : undefined;
    },
  };
}
type Reader = ReturnType<typeof reader>;

// what says who did it; the internal e-mail flag and record identifiers say nothing to a reader
const actorKeys = ['by', 'admin', 'role', 'client', 'via'];
const hiddenKeys = new Set([...actorKeys, 'notified', 'factorId', 'deviceId', 'resetId', 'replacedBy', 'grantId']);

/** Events no person starts: the server or its rules did it. */
const systemEvents = new Set<AuditEventType>([
  'key.created',
  'session.expired',
  'session.expired_idle',
  'session.expired_absolute',
  'device.not_honoured',
  'webauthn.counter_regression',
  'token.reuse_detected',
]);

/** An administrator's reason is their own words; everyone else's is a code with a sentence. */
function reasonOf(tr: Translator, r: Reader, d: Details): string | undefined {
  const reason = r.str('reason');
  if (!reason) return undefined;
  if (d['by'] === 'console' || d['by'] === 'api') return reason;
  return tr.t(`audit_event.reason_${reason}`, { defaultValue: reason.replace(/_/g, ' ') });
}

function said(tr: Translator, e: AdminEvent, r: Reader, names: AuditNames): Said {
  const d = e.details;
  // the sentences are audit_event.<key> (messages/<lang>/admin.json)
  const say = (key: string, vars: Record<string, unknown> = {}) => tr.t(`audit_event.${key}`, vars);
  const kind = () => kindName(tr, r.raw('kind'));
  const reason = () => reasonOf(tr, r, d);
  const client = e.clientId || '—';
  const count = (key: string, n: number | undefined) => (n === undefined ? undefined : say(key, { count: n }));
  switch (e.type) {
    case 'signin.succeeded': {
      const amr = r.raw('amr');
      const device = r.raw('rememberedDevice');
      if (r.raw('stepUp') === true) return { text: say('signin_succeeded_step_up') };
      if (device) return { text: say('signin_succeeded_device') };
      const mfa = Array.isArray(amr) && (amr.length > 1 || amr.includes('mfa'));
      return { text: say(mfa ? 'signin_succeeded_mfa' : 'signin_succeeded_password') };
    }
    case 'signin.failed': {
      const step = r.str('step');
      const text = step === 'second_factor' ? say('signin_failed_second', { kind: kindName(tr, r.raw('method')) }) : step === 'factor_reset' ? say('signin_failed_reset') : say('signin_failed');
      return { text, reason: reason(), outcome: count('wrong_codes', r.num('wrongCodes')) };
    }
    case 'signin.abandoned':
      return { text: say('signin_abandoned'), reason: reason(), outcome: count('wrong_codes', r.num('wrongCodes')) };
    case 'logout':
      return { text: say('logout') };
    case 'session.expired':
      return { text: say('session_expired') };
    case 'session.expired_idle': {
      const idle = r.num('idleSeconds');
      return { text: idle === undefined ? say('session_expired') : say('session_expired_idle', { duration: describeDuration(tr, idle) }) };
    }
    case 'session.expired_absolute': {
      const max = r.num('maxSeconds');
      return { text: max === undefined ? say('session_expired') : say('session_expired_absolute', { duration: describeDuration(tr, max) }) };
    }
    case 'consent.granted':
      return { text: say('consent_granted') };
    case 'key.created':
      return { text: say('key_created') };
    case 'key.rotated':
      return { text: say('key_rotated') };
    case 'client.created':
      return { text: say('client_created', { client }) };
    case 'client.updated':
      return { text: r.raw('change') === 'secret_rotated' ? say('client_secret_rotated', { client }) : say('client_updated', { client }) };
    case 'client.deleted':
      return { text: say('client_deleted', { client }) };
    case 'account.created':
      return { text: say('account_created') };
    case 'account.invited':
      return { text: say('account_invited') };
    case 'account.updated': {
      // the change itself: disabled or enabled in the sentence, a new name or roles as facts
      const change = r.raw('change');
      const { disabled, ...rest } = change && typeof change === 'object' ? (change as Details) : {};
      const text = disabled === true ? say('account_disabled') : disabled === false ? say('account_enabled') : say('account_updated');
      return { text, reason: reason(), facts: Object.entries(rest).filter(([, v]) => v !== undefined) };
    }
    case 'account.unlocked':
      return { text: say('account_unlocked') };
    case 'account.roles_changed': {
      const roles = (key: string) => {
        const v = r.raw(key);
        return Array.isArray(v) && v.length ? v.join(', ') : say('roles_none');
      };
      return { text: say('account_roles_changed', { before: roles('before'), after: roles('after') }) };
    }
    case 'organisation.created':
    case 'organisation.updated': {
      const id = r.str('organisation') ?? '';
      const slug = r.str('slug');
      const name = names.organisation(id) ?? slug ?? id;
      return { text: say(e.type === 'organisation.created' ? 'organisation_created' : 'organisation_updated', { name }) };
    }
    case 'factor.enrolled':
      return { text: say('factor_enrolled', { kind: kind() }) };
    case 'factor.removed':
      return { text: say('factor_removed', { kind: kind() }), reason: reason(), outcome: count('methods_left', r.num('remaining')) };
    case 'factor.updated':
      return { text: say(r.raw('change') === 'destination' ? 'factor_updated_destination' : 'factor_updated_name', { kind: kind() }) };
    case 'factor.preferred':
      return { text: say('factor_preferred', { kind: kind() }) };
    case 'twofactor.enabled':
      return { text: d['kind'] ? say('twofactor_enabled_with', { kind: kind() }) : say('twofactor_enabled') };
    case 'twofactor.disabled':
      return { text: say('twofactor_disabled'), reason: reason(), outcome: count('methods_removed', r.num('removed')) };
    case 'recovery_codes.generated':
      return { text: say('recovery_codes_generated'), reason: reason(), outcome: count('codes_made', r.num('count')) };
    case 'recovery_codes.used':
      return { text: say('recovery_codes_used'), outcome: count('codes_left', r.num('remaining')) };
    case 'webauthn.counter_regression':
      return { text: say('webauthn_counter_regression') };
    case 'token.reuse_detected':
      return { text: say('token_reuse_detected') };
    case 'grant.revoked':
      return { text: say('grant_revoked') };
    case 'device.remembered': {
      const days = r.num('days');
      return { text: days === undefined ? say('device_remembered') : say('device_remembered_for', { count: days }) };
    }
    case 'device.forgotten':
      return { text: say('device_forgotten', { count: r.num('count') ?? 1 }), reason: reason() };
    case 'device.not_honoured':
      return { text: say('device_not_honoured'), reason: reason() };
    case 'factor.reset_requested': {
      const stage = r.str('stage');
      const at = r.str('effectiveAt');
      if (stage === 'scheduled' && at && !Number.isNaN(Date.parse(at))) return { text: say('factor_reset_requested_scheduled', { date: formatDateTime(tr, new Date(at)) }) };
      return { text: say(stage === 'link_sent' ? 'factor_reset_requested_link' : 'factor_reset_requested') };
    }
    case 'factor.reset_cancelled':
      return { text: say('factor_reset_cancelled') };
    case 'factor.reset':
      return { text: say(r.raw('scheduled') === true ? 'factor_reset_scheduled' : 'factor_reset'), reason: reason(), outcome: count('methods_removed', r.num('removed')) };
    case 'factor.disabled_by_admin': {
      const until = r.str('until');
      const text = until && !Number.isNaN(Date.parse(until)) ? say('factor_disabled_until', { date: formatDateTime(tr, new Date(until)) }) : say('factor_disabled');
      return { text, reason: reason(), outcome: count('methods_removed', r.num('removed')) };
    }
    case 'factor.exemption_ended':
      return { text: say('factor_exemption_ended') };
    case 'password.reset_requested':
      return { text: say('password_reset_requested') };
    case 'password.changed': {
      const via = d['via'];
      const text =
        via === 'profile' ? say('password_changed_profile') : via === 'reset' ? say('password_changed_reset') : via === 'invitation' ? say('password_changed_invitation') : say('password_changed');
      return { text, outcome: count('other_sessions_ended', r.num('otherSessionsEnded')) };
    }
    case 'email.confirmation_sent': {
      if (r.raw('bulk') === true) return { text: say('email_confirmation_sent_bulk', { count: r.num('count') ?? 0 }) };
      return { text: say('email_confirmation_sent') };
    }
    case 'email.confirmed':
      return { text: say('email_confirmed') };
    case 'sessions.ended_others':
      return { text: say('sessions_ended_others', { count: r.num('ended') ?? 0 }) };
    case 'account.signed_out_everywhere':
      return { text: say('account_signed_out_everywhere'), reason: reason() };
    default:
      return { text: say('unknown', { type: e.type }) };
  }
}

/** Who did it: an administrator (console or API), a machine client, the command line, the user, Twofold itself. */
function actorOf(tr: Translator, e: AdminEvent, names: AuditNames): string {
  const d = e.details;
  const by = d['by'];
  const admin = typeof d['admin'] === 'string' ? d['admin'] : undefined;
  const who = admin ? (names.account(admin) ?? admin.slice(0, 8)) : undefined;
  const client = typeof d['client'] === 'string' ? d['client'] : undefined;
  if (by === 'console') return tr.t('audit_event.by_console', { who: who ?? '?' });
  if (by === 'api') return who ? tr.t('audit_event.by_api', { who }) : tr.t('audit_event.by_api_client', { client: client ?? '?' });
  if (by === 'cli') return tr.t(d['via'] === 'apply' ? 'audit_event.by_cli_apply' : 'audit_event.by_cli');
  if (by === 'demo seed') return tr.t('audit_event.by_demo');
  if (by === 'admin') return tr.t('audit_event.by_admin');
  if (by === 'user') return tr.t('audit_event.by_user');
  if (systemEvents.has(e.type) || (e.type === 'factor.reset' && d['scheduled'] === true)) return tr.t('audit_event.by_system');
  if (e.type === 'grant.revoked' && e.clientId) return tr.t('audit_event.by_app', { client: e.clientId });
  // which administrator forgot a user's devices, the event does not say (another event next to it may)
  if (e.type === 'device.forgotten' && d['reason'] !== 'profile' && d['reason'] !== 'not_me' && d['reason'] !== 'password_changed') return '—';
  return e.accountId ? tr.t('audit_event.by_user') : '—';
}

const isoDate = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** A detail's value in words: dates per language, lists with commas, nested objects as "key: value". */
function valueText(tr: Translator, key: string, value: unknown, names: AuditNames): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return tr.t(value ? 'admin_console.yes' : 'admin_console.no');
  if (typeof value === 'string') {
    if (isoDate.test(value)) return formatDateTime(tr, new Date(value));
    if (key === 'organisation') return names.organisation(value) ?? value;
    return value.length > 200 ? `${value.slice(0, 200)}…` : value;
  }
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return value.length ? value.map((v) => valueText(tr, key, v, names)).join(', ') : '—';
  if (typeof value === 'object') {
    const entries = Object.entries(value as Details).filter(([, v]) => v !== undefined);
    return entries.length ? entries.map(([k, v]) => `${k}: ${valueText(tr, k, v, names)}`).join(', ') : '—';
  }
  return String(value);
}

/** One line of the console's audit log. */
export function describeForAdmin(tr: Translator, e: AdminEvent, names: AuditNames): AuditLine {
  const r = reader(e.details);
  const s = said(tr, e, r, names);
  let what = s.text;
  if (s.reason) what = tr.t('audit_event.with_reason', { what, reason: s.reason });
  if (s.outcome) what = tr.t('audit_event.with_outcome', { what, outcome: s.outcome });
  const facts = [...(s.facts ?? []), ...Object.entries(e.details).filter(([key, value]) => !r.used.has(key) && !hiddenKeys.has(key) && value !== undefined)].map(([key, value]) => ({
    key,
    value: valueText(tr, key, value, names),
  }));
  // the app of a sign-in, a logout, a consent (a client event names it in the sentence)
  if (e.clientId && !e.type.startsWith('client.') && !(e.type === 'grant.revoked')) facts.unshift({ key: 'client', value: e.clientId });
  const browser = describeBrowser(tr, e.userAgent ?? undefined);
  const from = [e.ip, browser].filter((x): x is string => Boolean(x)).join(' · ') || '—';
  return { what, by: actorOf(tr, e, names), from, facts };
}
