// Whether a sign-in comes from the network a device was remembered on, by the organisation's
// rule: the exact address, the same network (IPv4 /24, IPv6 /64), or not checked at all.
// IPv4-mapped IPv6 addresses (::ffff:192.0.2.1) count as the IPv4 address they carry.
import ipaddr from 'ipaddr.js';
import type { RememberIpRule } from '../organisations/policy.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

function parse(ip: string): Address | undefined {
  if (!ipaddr.isValid(ip)) return undefined;
  return ipaddr.process(ip);
}

/** The canonical text of an address ("::ffff:192.0.2.1" → "192.0.2.1"); the input when it is none. */
export function normaliseIp(ip: string): string {
  return parse(ip)?.toString() ?? ip;
}

export function sameNetwork(rule: RememberIpRule, remembered: string, now: string): boolean {
  if (rule === 'ignore') return true;
  const a = parse(remembered);
  const b = parse(now);
  if (!a || !b || a.kind() !== b.kind()) return false;
  if (rule === 'exact') return a.toString() === b.toString();
  const bits = a.kind() === 'ipv4' ? 24 : 64;
  return (b as ipaddr.IPv4).match(a as ipaddr.IPv4, bits);
}
