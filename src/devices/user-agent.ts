// Browser and operating-system family of a User-Agent ("Firefox" on "Windows"), the part of it a
// remembered device must keep: versions change with every update and must not matter.
import Bowser from 'bowser';

export interface DeviceFamily {
  browser: string;
  os: string;
}

const unknown = 'Unknown';

export function deviceFamily(userAgent: string | undefined): DeviceFamily {
  const ua = (userAgent ?? '').slice(0, 1024);
  if (!ua.trim()) return { browser: unknown, os: unknown };
  try {
    const parsed = Bowser.parse(ua);
    return { browser: (parsed.browser.name || unknown).slice(0, 100), os: (parsed.os.name || unknown).slice(0, 100) };
  } catch {
    return { browser: unknown, os: unknown };
  }
}

export const sameFamily = (a: DeviceFamily, b: DeviceFamily): boolean => a.browser === b.browser && a.os === b.os;
