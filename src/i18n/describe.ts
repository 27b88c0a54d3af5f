// How our e-mails and pages name a moment, a browser and an address: in the reader's language,
// in UTC (we do not know the reader's time zone), and the browser by family only.
import Bowser from 'bowser';
import { languages, type Language, type Translator } from './i18n.js';

/** "Firefox on Windows"; undefined when the User-Agent says nothing we recognise. */
export function describeBrowser(tr: Translator, userAgent: string | undefined): string | undefined {
  if (!userAgent) return undefined;
  const parsed = Bowser.parse(userAgent.slice(0, 512));
  const browser = parsed.browser.name;
  const os = parsed.os.name;
  if (browser && os) return tr.t('security_email.browser_on_os', { browser, os });
  return browser || os || undefined;
}

/** "23 November 2026 at 22:40 UTC" */
export function describeTime(tr: Translator, at: Date): string {
  return `${new Intl.DateTimeFormat(tr.lang, { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }).format(at)} UTC`;
}

/** The language stored on an account, when we have its messages; English otherwise. */
export function accountLanguage(locale: string | null | undefined): Language {
  const base = (locale ?? '').toLowerCase().split('-')[0];
  return languages.find((l) => l === base) ?? 'en';
}

/** "2 hours", "3 days": the largest whole unit. */
export function describeDuration(tr: Translator, seconds: number): string {
  if (seconds >= 86_400 && seconds % 86_400 === 0) return tr.t('recovery.days', { count: seconds / 86_400 });
  if (seconds >= 3600 && seconds % 3600 === 0) return tr.t('recovery.hours', { count: seconds / 3600 });
  if (seconds >= 60) return tr.t('recovery.minutes', { count: Math.round(seconds / 60) });
  return tr.t('recovery.seconds', { count: seconds });
}
