// Dates and times as each language writes them, in the zone asked for (the server's by default).
import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime, formatDayMonth, formatTime, formatTimestamp } from '../../src/i18n/format.js';
import { languages } from '../../src/i18n/i18n.js';

const at = new Date('2026-11-03T13:05:09Z');
const utc = { timeZone: 'UTC' };
const amsterdam = { timeZone: 'Europe/Amsterdam' };
const en = { lang: 'en' as const };
const de = { lang: 'de' as const };
const nl = { lang: 'nl' as const };

describe('date and time formatting', () => {
  it('writes dates the way each language does', () => {
    expect(formatDate(en, at, utc)).toBe('3 November 2026');
    expect(formatDate(de, at, utc)).toBe('3. November 2026');
    expect(formatDate(nl, at, utc)).toBe('3 november 2026');
    expect(formatDayMonth(en, at, utc)).toBe('3 November');
    expect(formatDayMonth(de, at, utc)).toBe('3. November');
    expect(formatDayMonth(nl, at, utc)).toBe('3 november');
  });

  it('writes times on the 24-hour clock, in the zone asked for', () => {
    expect(formatTime(en, at, utc)).toBe('13:05');
    expect(formatTime(de, at, amsterdam)).toBe('14:05');
    expect(formatTime(nl, at, amsterdam)).toBe('14:05');
  });

  it('joins date and time with the language’s own word', () => {
    expect(formatDateTime(en, at, amsterdam)).toBe('3 November 2026 at 14:05');
    expect(formatDateTime(de, at, amsterdam)).toBe('3. November 2026 um 14:05');
    expect(formatDateTime(nl, at, amsterdam)).toBe('3 november 2026 om 14:05');
    expect(formatTimestamp(de, at, amsterdam)).toBe('03.11.2026, 14:05:09');
  });

  it('names months differently per language, for every language of the catalogue', () => {
    const march = new Date('2026-03-15T12:00:00Z');
    const written = languages.map((lang) => formatDate({ lang }, march, utc));
    expect(written.slice(0, 3)).toEqual(['15 March 2026', '15. März 2026', '15 maart 2026']);
    expect(new Set(written).size).toBe(languages.length);
  });

  it('uses the server’s time zone without one', () => {
    expect(formatTime(de, at)).toBe(new Intl.DateTimeFormat('de-DE', { hour: 'numeric', minute: '2-digit' }).format(at));
  });
});
