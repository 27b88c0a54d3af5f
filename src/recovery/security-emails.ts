// Security e-mails: the audit log is the trigger. services.ts wraps audit.record with this
// notifier, so any code that records one of the events below (ours or another area's) makes
// the account owner hear about it, without knowing this module exists. Each e-mail says what
// happened, when, from which browser and IP address, and carries a "This wasn't me" link
// (single-use, 7 days) that signs the account out everywhere.
//
// Sending never fails or delays the action that was audited: the record is written, the e-mail
// is rendered and sent in the background, and a failure is logged. settle() waits for sends
// in flight (shutdown, tests).
import type { Clock } from '../clock.js';
import type { Links } from '../links/links.js';
import type { Logger } from '../log.js';
import type { Mailer } from '../mail/mailer.js';
import type { AccountsRepo } from '../storage/postgres/accounts.js';
import type { AuditEvent, AuditEventType, AuditLog } from '../storage/postgres/audit.js';
import type { FactorsRepo } from '../storage/postgres/factors.js';
import type { ShortLivedStore } from '../storage/short-lived/store.js';
import { renderEmail } from '../mail/emails.js';
import type { I18n, Translator } from '../i18n/i18n.js';
import { formatDate } from '../i18n/format.js';
import { accountLanguage, describeBrowser, describeTime } from '../i18n/describe.js';

/** The events that send a security e-mail (marked * in src/storage/postgres/audit.ts, plus the older factor events). */
export const notifiedEvents: ReadonlySet<AuditEventType> = new Set<AuditEventType>([
  'twofactor.enabled',
  'twofactor.disabled',
  'factor.enrolled',
  'factor.removed',
  'factor.updated',
  'recovery_codes.used',
  'recovery_codes.generated',
  'device.remembered',
  'factor.reset_requested',
  'factor.reset',
  'factor.disabled_by_admin',
  'password.changed',
]);

export interface SecurityNotifierDeps {
  accounts: AccountsRepo;
  factors: FactorsRepo;
  mailer: Mailer;
  i18n: I18n;
  links: Links;
  store: ShortLivedStore;
  clock: Clock;
  log: Logger;
}

export interface SecurityNotifier {
  /** The audit log, recording as before and sending the e-mail for the events above. */
  wrap(audit: AuditLog): AuditLog;
  /** Run work after the response (e.g. an e-mail whose sending must not show in response times); failures are logged. */
  inBackground(what: string, work: () => Promise<unknown>): void;
  /** Wait for e-mails and background work in flight. */
  settle(): Promise<void>;
}

const methodKey = (kind: unknown) => (kind === 'totp' || kind === 'email' || kind === 'sms' || kind === 'webauthn' ? `security_email.method_${kind}` : 'security_email.method_unknown');

/** The subject and the sentence that say what happened; undefined: nothing to send. */
function whatHappened(tr: Translator, type: AuditEventType, details: Record<string, unknown>): { subject: string; what: string[] } | undefined {
  const method = tr.t(methodKey(details['kind']));
  const product = tr.t('product');
  switch (type) {
    case 'twofactor.enabled':
      return { subject: tr.t('security_email.subject_enabled', { product }), what: [tr.t('security_email.enabled'), ...(details['kind'] ? [tr.t('security_email.method_added', { method })] : [])] };
    case 'twofactor.disabled':
      return { subject: tr.t('security_email.subject_disabled', { product }), what: [tr.t('security_email.disabled')] };
    case 'factor.enrolled':
      return { subject: tr.t('security_email.subject_method_added', { product }), what: [tr.t('security_email.method_added', { method })] };
    case 'factor.removed':
      return { subject: tr.t('security_email.subject_method_removed', { product }), what: [tr.t('security_email.method_removed', { method })] };
    case 'factor.updated':
      return { subject: tr.t('security_email.subject_method_changed', { product }), what: [tr.t('security_email.method_changed', { method })] };
    case 'recovery_codes.used':
      return {
        subject: tr.t('security_email.subject_codes_used', { product }),
        what: [typeof details['remaining'] === 'number' ? tr.t('security_email.codes_used_left', { count: details['remaining'] }) : tr.t('security_email.codes_used')],
      };
    case 'recovery_codes.generated':
      // the first codes come with the first factor: that e-mail says two-step verification is on
      if (details['reason'] === 'first_factor') return undefined;
      return { subject: tr.t('security_email.subject_codes_new', { product }), what: [tr.t('security_email.codes_new')] };
    case 'device.remembered':
      return { subject: tr.t('security_email.subject_device', { product }), what: [tr.t('security_email.device')] };
    case 'factor.reset_requested':
      return { subject: tr.t('security_email.subject_reset_requested', { product }), what: [tr.t('security_email.reset_requested')] };
    case 'factor.reset':
      return { subject: tr.t('security_email.subject_reset', { product }), what: [tr.t('security_email.reset')] };
    case 'factor.disabled_by_admin': {
      // the exemption ends at midnight UTC of a day when the console set it: say the day, in UTC
      const until = typeof details['until'] === 'string' ? new Date(details['until']) : undefined;
      const ends =
        until && !Number.isNaN(until.getTime()) ? tr.t('security_email.disabled_by_admin_until', { date: formatDate(tr, until, { timeZone: 'UTC' }) }) : tr.t('security_email.disabled_by_admin_open');
      return { subject: tr.t('security_email.subject_disabled_by_admin', { product }), what: [tr.t('security_email.disabled_by_admin'), ends, tr.t('security_email.disabled_by_admin_profile')] };
    }
    case 'password.changed':
      return { subject: tr.t('security_email.subject_password', { product }), what: [tr.t(details['via'] === 'reset' ? 'security_email.password_reset' : 'security_email.password_changed')] };
    default:
      return undefined;
  }
}

export function createSecurityNotifier(deps: SecurityNotifierDeps): SecurityNotifier {
  const inFlight = new Set<Promise<void>>();

  /** Two events saying the same (the explicit twofactor.enabled and a first factor.enrolled): one e-mail. */
  async function firstWithin(accountId: string, type: AuditEventType, seconds = 30): Promise<boolean> {
    return (await deps.store.incr(`security-email:${accountId}:${type}`, seconds)) === 1;
  }

  async function send(event: AuditEvent & { accountId: string }): Promise<void> {
    let type = event.type;
    const details = event.details ?? {};
    if (type === 'factor.enrolled' && (await deps.factors.findByAccount(event.accountId)).length === 1) type = 'twofactor.enabled';
    if (type === 'factor.removed' && details['remaining'] === 0) type = 'twofactor.disabled';
    // the enrolment and removal flows record twofactor.enabled/disabled themselves (enrol/policy.ts):
    // whichever of the two events comes first sends the e-mail
    if ((type === 'twofactor.enabled' || type === 'twofactor.disabled') && !(await firstWithin(event.accountId, type))) return;
    const account = await deps.accounts.findById(event.accountId);
    if (!account) return;
    const tr = deps.i18n.forLanguage(accountLanguage(account.locale));
    const said = whatHappened(tr, type, details);
    if (!said) return;
    const notMe = await deps.links.issue('not_me', account.id);
    const browser = describeBrowser(tr, event.userAgent);
    const facts = [
      { label: tr.t('security_email.when'), value: describeTime(tr, new Date(deps.clock.now())) },
      ...(browser ? [{ label: tr.t('security_email.browser'), value: browser }] : []),
      ...(event.ip ? [{ label: tr.t('security_email.ip'), value: event.ip }] : []),
    ];
    const mail = renderEmail('account-notice', tr, {
      subject: said.subject,
      heading: said.subject,
      paragraphs: [...said.what, tr.t('security_email.if_you')],
      facts,
      notMe: { text: tr.t('security_email.not_me_text'), url: notMe.url, button: tr.t('security_email.not_me_button') },
    });
    await deps.mailer.send({ to: account.email, ...mail, category: `security:${type}` });
  }

  function inBackground(what: string, work: () => Promise<unknown>): void {
    const p: Promise<void> = work()
      .then(() => undefined)
      .catch((err: unknown) => deps.log.warn({ err: (err as Error).message, what }, 'background work failed'))
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  }

  return {
    inBackground,
    wrap(audit) {
      return {
        ...audit,
        async record(event) {
          await audit.record(event);
          const { accountId } = event;
          if (!accountId || !notifiedEvents.has(event.type) || event.details?.['notified'] === true) return;
          inBackground(`security e-mail ${event.type}`, () => send({ ...event, accountId }));
        },
      };
    },
    async settle() {
      while (inFlight.size) await Promise.allSettled([...inFlight]);
    },
  };
}
