// "Recent security activity" on the profile: the account's last audit events in plain words —
// what happened, when, from which browser, from which IP address.
import Bowser from 'bowser';
import type { AuditEventType, StoredAuditEvent } from '../../src/storage/postgres/audit.js';
import type { InteractionDeps } from '../context.js';
import type { Translator } from '../i18n.js';

export interface ActivityLine {
  what: string;
  when: string;
  browser: string;
  ip: string;
}

/** What the user sees for each event (the rest are shown as "Security setting changed"). */
const shown: Partial<Record<AuditEventType, string>> = {
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
  'device.remembered': 'activity.device_remembered',
  'device.forgotten': 'activity.device_forgotten',
  'device.not_honoured': 'activity.device_not_honoured',
  'consent.granted': 'activity.consent_granted',
  'email.confirmed': 'activity.email_confirmed',
  'session.expired_idle': 'activity.session_expired',
  'session.expired_absolute': 'activity.session_expired',
  'session.expired': 'activity.session_expired',
};

/** "Chrome on Linux" from a User-Agent header; "Unknown browser" when there is none. */
export function browserFamily(tr: Translator, userAgent: string | null | undefined): string {
  if (!userAgent) return tr.t('activity.unknown_browser');
  const parsed = Bowser.parse(userAgent);
  const browser = parsed.browser.name;
  const os = parsed.os.name;
  if (browser && os) return tr.t('activity.browser_on', { browser, os });
  return browser ?? os ?? tr.t('activity.unknown_browser');
}

export function describeEvent(tr: Translator, e: Pick<StoredAuditEvent, 'type' | 'details'>): string {
  const key = shown[e.type] ?? 'activity.other';
  const kind = typeof e.details['kind'] === 'string' ? tr.t(`activity.kind_${e.details['kind']}`, { defaultValue: tr.t('activity.kind_unknown') }) : tr.t('activity.kind_unknown');
  const change = e.details['change'] === 'destination' ? tr.t('activity.change_destination') : tr.t('activity.change_name');
  return tr.t(key, { kind, change, count: typeof e.details['remaining'] === 'number' ? e.details['remaining'] : typeof e.details['ended'] === 'number' ? e.details['ended'] : 0 });
}

export async function recentActivity(deps: Pick<InteractionDeps, 'audit'>, tr: Translator, accountId: string, limit = 20): Promise<ActivityLine[]> {
  const events = await deps.audit.findRecent({ accountId, limit });
  const format = new Intl.DateTimeFormat(tr.lang === 'en' ? 'en-GB' : tr.lang, { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'UTC', timeZoneName: 'short' });
  return events.map((e) => ({
    what: describeEvent(tr, e),
    when: format.format(e.at),
    browser: browserFamily(tr, e.userAgent),
    ip: e.ip ?? '—',
  }));
}
