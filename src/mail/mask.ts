// Addresses as the code page shows them ("we sent a code to a•••@example.com") and as our logs
// name recipients: enough for the owner to recognise, too little to learn an address from.
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

const dots = (n: number) => '•'.repeat(n);

/** 'ada.lovelace@example.com' → 'a•••@example.com': the first character and the domain. */
export function maskEmail(address: string): string {
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) return dots(3);
  const [first = ''] = Array.from(address.slice(0, at));
  return `${first}${dots(3)}@${address.slice(at + 1)}`;
}

/**
 * '+31612345678' → '+31 •••• ••78': the country calling code and the last two digits, always
 * the same number of dots so the length of the number is not shown either.
 */
export function maskPhone(e164: string): string {
  const digits = e164.replace(/\D/g, '');
  const last = digits.slice(-2);
  const parsed = e164.startsWith('+') ? parsePhoneNumberFromString(e164) : undefined;
  const prefix = parsed ? `+${parsed.countryCallingCode} ` : '';
  return digits.length < 4 ? dots(4) : `${prefix}${dots(4)} ${dots(2)}${last}`;
}
