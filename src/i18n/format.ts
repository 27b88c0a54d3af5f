// Dates and times as the user's language writes them: "3 November 2026" / "3. November 2026" /
// "3 november 2026", "14:05". Every date or time a page or e-mail shows goes
// through here, with the translator of that page, so it matches the language of the text
// around it. Times are in the server's time zone (TZ) unless a zone is given: we do not know
// the user's.
import type { Translator } from './i18n.js';

export interface FormatOptions {
  /** an IANA time zone ("Europe/Amsterdam", "UTC"); default: the server's */
  timeZone?: string | undefined;
}

/**
 * The locale Intl formats with, per catalogue language. English is British English, as the
 * catalogue is: "3 November", "14:05", not "November 3", "2:05 PM". A language not listed
 * formats as itself.
 */
export const intlLocales: Readonly<Record<string, string>> = { en: 'en-GB', de: 'de-DE', nl: 'nl-NL' };

// Intl formatters are costly to build and immutable: one per language, style and zone
const cache = new Map<string, Intl.DateTimeFormat>();

function formatter(lang: string, style: Intl.DateTimeFormatOptions, opts: FormatOptions): Intl.DateTimeFormat {
  const key = `${lang}|${JSON.stringify(style)}|${opts.timeZone ?? ''}`;
  let f = cache.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(intlLocales[lang] ?? lang, { ...style, ...(opts.timeZone ? { timeZone: opts.timeZone } : {}) });
    cache.set(key, f);
  }
  return f;
}

/** "3 November 2026" (en), "3. November 2026" (de), "3 november 2026" (nl). */
export function formatDate(tr: Pick<Translator, 'lang'>, date: Date, opts: FormatOptions = {}): string {
  return formatter(tr.lang, { day: 'numeric', month: 'long', year: 'numeric' }, opts).format(date);
}

/** "3 November" (en), "3. November" (de), "3 november" (nl): a recent date, the year implied. */
export function formatDayMonth(tr: Pick<Translator, 'lang'>, date: Date, opts: FormatOptions = {}): string {
  return formatter(tr.lang, { day: 'numeric', month: 'long' }, opts).format(date);
}

/** "14:05" in every language we have. */
export function formatTime(tr: Pick<Translator, 'lang'>, date: Date, opts: FormatOptions = {}): string {
  return formatter(tr.lang, { hour: 'numeric', minute: '2-digit' }, opts).format(date);
}

/** Date and time together, as the language joins them: "3 November 2026 at 14:05", "3. November 2026 um 14:05". */
export function formatDateTime(tr: Pick<Translator, 'lang'>, date: Date, opts: FormatOptions = {}): string {
  return formatter(tr.lang, { dateStyle: 'long', timeStyle: 'short' }, opts).format(date);
}

/** Date and time to the second, for logs of messages (the outbox): "3 Nov 2026, 14:05:09". */
export function formatTimestamp(tr: Pick<Translator, 'lang'>, date: Date, opts: FormatOptions = {}): string {
  return formatter(tr.lang, { dateStyle: 'medium', timeStyle: 'medium' }, opts).format(date);
}
