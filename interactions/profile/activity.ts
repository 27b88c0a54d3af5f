// "Recent security activity" on the profile: the account's last audit events in plain words —
// what happened, when, from which browser, from which IP address. The words are the owner's
// side of describe-event.ts, which also writes the console's audit log.
import type { InteractionDeps } from '../context.js';
import { browserFamily, describeForOwner } from '../describe-event.js';
import type { Translator } from '../../src/i18n/i18n.js';

export interface ActivityLine {
  what: string;
  when: string;
  browser: string;
  ip: string;
}

export async function recentActivity(deps: Pick<InteractionDeps, 'audit'>, tr: Translator, accountId: string, limit = 20): Promise<ActivityLine[]> {
  const events = await deps.audit.findRecent({ accountId, limit });
  const format = new Intl.DateTimeFormat(tr.lang === 'en' ? 'en-GB' : tr.lang, {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: 'UTC',
    timeZoneName: 'short',
  });
  return events.map((e) => ({
    what: describeForOwner(tr, e),
    when: format.format(e.at),
    browser: browserFamily(tr, e.userAgent),
    ip: e.ip ?? '—',
  }));
}
