import { describe, expect, it } from 'vitest';
import { normaliseIp, sameNetwork } from '../../src/devices/ip-rule.js';
import { deviceFamily, sameFamily } from '../../src/devices/user-agent.js';

describe('the remembered-device IP rule', () => {
  it('exact: the same address only (IPv4-mapped IPv6 counts as IPv4)', () => {
    expect(sameNetwork('exact', '203.0.113.7', '203.0.113.7')).toBe(true);
    expect(sameNetwork('exact', '203.0.113.7', '::ffff:203.0.113.7')).toBe(true);
    expect(sameNetwork('exact', '203.0.113.7', '203.0.113.8')).toBe(false);
    expect(sameNetwork('exact', '2001:db8::1', '2001:0db8:0:0::1')).toBe(true);
    expect(sameNetwork('exact', '2001:db8::1', '2001:db8::2')).toBe(false);
  });

  it('prefix: the same /24 for IPv4 and /64 for IPv6, never across families', () => {
    expect(sameNetwork('prefix', '203.0.113.7', '203.0.113.250')).toBe(true);
    expect(sameNetwork('prefix', '203.0.113.7', '203.0.114.7')).toBe(false);
    expect(sameNetwork('prefix', '2001:db8:1:2::1', '2001:db8:1:2:ffff::9')).toBe(true);
    expect(sameNetwork('prefix', '2001:db8:1:2::1', '2001:db8:1:3::1')).toBe(false);
    expect(sameNetwork('prefix', '203.0.113.7', '2001:db8::1')).toBe(false);
  });

  it('ignore: any address; garbage never matches otherwise', () => {
    expect(sameNetwork('ignore', '203.0.113.7', '198.51.100.1')).toBe(true);
    expect(sameNetwork('exact', 'not an ip', 'not an ip')).toBe(false);
    expect(sameNetwork('prefix', '203.0.113.7', '')).toBe(false);
    expect(normaliseIp('::ffff:127.0.0.1')).toBe('127.0.0.1');
  });
});

describe('browser and OS family from the User-Agent', () => {
  const chromeLinux = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';
  const chromeLinuxNewer = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
  const firefoxWindows = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0';
  const safariMac = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15';

  it('names the family, not the version', () => {
    expect(deviceFamily(chromeLinux)).toEqual({ browser: 'Chrome', os: 'Linux' });
    expect(deviceFamily(firefoxWindows)).toEqual({ browser: 'Firefox', os: 'Windows' });
    expect(deviceFamily(safariMac)).toEqual({ browser: 'Safari', os: 'macOS' });
    expect(sameFamily(deviceFamily(chromeLinux), deviceFamily(chromeLinuxNewer))).toBe(true);
    expect(sameFamily(deviceFamily(chromeLinux), deviceFamily(firefoxWindows))).toBe(false);
  });

  it('an empty or unknown User-Agent is "Unknown", not an error', () => {
    expect(deviceFamily('')).toEqual({ browser: 'Unknown', os: 'Unknown' });
    expect(deviceFamily(undefined)).toEqual({ browser: 'Unknown', os: 'Unknown' });
    expect(deviceFamily('curl/8.5.0').browser).toBeTypeOf('string');
  });
});
