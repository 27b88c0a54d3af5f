// How recovery e-mails name browsers, moments, durations and the account's language.
import { describe, expect, it } from 'vitest';
import { createI18n } from '../../src/i18n/i18n.js';
import { accountLanguage, describeBrowser, describeDuration, describeTime } from '../../src/i18n/describe.js';

const tr = (await createI18n()).forLanguage('en');

describe('recovery descriptions', () => {
  it('name the browser family and operating system only', () => {
    expect(describeBrowser(tr, 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0')).toBe('Firefox on Windows');
    expect(describeBrowser(tr, 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1')).toBe('Safari on iOS');
    expect(describeBrowser(tr, undefined)).toBeUndefined();
    expect(describeBrowser(tr, 'curl/8.0')).toBeUndefined();
  });

  it('give moments in UTC and lengths in the largest whole unit', () => {
    expect(describeTime(tr, new Date(Date.UTC(2026, 10, 3, 14, 5)))).toBe('November 3, 2026 at 2:05 PM UTC');
    expect(describeDuration(tr, 3600)).toBe('1 hour');
    expect(describeDuration(tr, 1800)).toBe('30 minutes');
    expect(describeDuration(tr, 7 * 86400)).toBe('7 days');
  });

  it('fall back to English for a language without messages', () => {
    expect(accountLanguage('en-GB')).toBe('en');
    expect(accountLanguage('xx')).toBe('en');
    expect(accountLanguage(null)).toBe('en');
  });
});
