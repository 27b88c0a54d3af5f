// Phone numbers as users type them ("06 12345678", "+44 7911 123456") to E.164 and a country,
// and whether we offer SMS codes to that country. libphonenumber-js with its full metadata
// tells mobile numbers from fixed lines in most countries; where it cannot tell (US, CA: "fixed
// line or mobile") or does not know, the number is accepted: a wrong refusal locks a user out
// of a factor, a wrong acceptance only costs one undelivered SMS.
import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode, type NumberType } from 'libphonenumber-js/max';
import type { Config } from '../config/index.js';

export type ParsedPhone = { ok: true; e164: string; country: string | undefined } | { ok: false; reason: 'invalid' | 'not_mobile' };

/** Number types that certainly cannot receive a text message. */
const notMobile = new Set<NumberType>(['FIXED_LINE', 'TOLL_FREE', 'PREMIUM_RATE', 'SHARED_COST', 'VOICEMAIL', 'UAN']);

/** Longest input worth parsing: E.164 has 15 digits; spaces, dashes, brackets and a prefix add some. */
const maxInputLength = 40;

export function parsePhoneNumber(input: string, defaultCountry?: string): ParsedPhone {
  const text = input.trim();
  // libphonenumber finds a number inside any text ("+31 6 12345678; call me"): only what people
  // write in a phone number gets that far, so nothing else passes unseen
  if (!text || text.length > maxInputLength || !/^[+\d\s().\-/]+$/.test(text)) return { ok: false, reason: 'invalid' };
  const country = defaultCountry?.toUpperCase();
  const phone = parsePhoneNumberFromString(text, country && isSupportedCountry(country) ? (country as CountryCode) : undefined);
  if (!phone?.isValid()) return { ok: false, reason: 'invalid' };
  const type = phone.getType();
  if (type && notMobile.has(type)) return { ok: false, reason: 'not_mobile' };
  return { ok: true, e164: phone.number, country: phone.country };
}

/**
 * Whether SMS codes are offered to numbers of this country: something must deliver them (the
 * outbox or an SMS provider) and the country must be on SMS_COUNTRIES. Numbers of no country
 * (satellite, international networks) only with SMS_COUNTRIES=*.
 */
export function smsAvailable(country: string | undefined, config: Pick<Config, 'sms' | 'outbox'>): boolean {
  if (!config.outbox && !config.sms.httpUrl) return false;
  if (config.sms.countries === 'all') return true;
  return country !== undefined && config.sms.countries.includes(country.toUpperCase());
}
