// Sliding idle expiry with an absolute cap (src/oidc/session-ttl.ts): the TTL oidc-provider
// gives a session each time it is saved. Idle 300 s, absolute 12 h, as in production defaults.
import { describe, expect, it } from 'vitest';
import { pastAbsoluteLifetime, sessionTtl } from '../../src/oidc/session-ttl.js';

const idleSeconds = 300;
const maxSeconds = 12 * 3600;
const loginTs = 1_800_000_000;

describe('sessionTtl', () => {
  it('gives a session nobody has signed in to yet the idle limit', () => {
    expect(sessionTtl({ now: loginTs, idleSeconds, maxSeconds })).toBe(300);
    expect(sessionTtl({ loginTs: undefined, now: loginTs + 99_999, idleSeconds, maxSeconds })).toBe(300);
  });

  it('slides: every save while signed in gives the full idle limit again', () => {
    for (const elapsed of [0, 1, 299, 3600, maxSeconds - 301, maxSeconds - 300]) {
      expect(sessionTtl({ loginTs, now: loginTs + elapsed, idleSeconds, maxSeconds }), `after ${elapsed} s`).toBe(300);
    }
  });

  it('never reaches past the absolute lifetime', () => {
    expect(sessionTtl({ loginTs, now: loginTs + maxSeconds - 299, idleSeconds, maxSeconds })).toBe(299);
    expect(sessionTtl({ loginTs, now: loginTs + maxSeconds - 1, idleSeconds, maxSeconds })).toBe(1);
  });

  it('is a positive integer at and past the cap (oidc-provider refuses 0), and the cap is then reported', () => {
    for (const past of [0, 1, 86_400]) {
      const ttl = sessionTtl({ loginTs, now: loginTs + maxSeconds + past, idleSeconds, maxSeconds });
      expect(ttl).toBe(1);
      expect(pastAbsoluteLifetime(loginTs, loginTs + maxSeconds + past, maxSeconds)).toBe(true);
    }
    expect(pastAbsoluteLifetime(loginTs, loginTs + maxSeconds - 1, maxSeconds)).toBe(false);
    expect(pastAbsoluteLifetime(undefined, loginTs + 10 * maxSeconds, maxSeconds)).toBe(false);
  });

  it('uses an organisation idle limit longer or shorter than the default alike', () => {
    expect(sessionTtl({ loginTs, now: loginTs + 10, idleSeconds: 60, maxSeconds })).toBe(60);
    expect(sessionTtl({ loginTs, now: loginTs + 10, idleSeconds: 8 * 3600, maxSeconds })).toBe(8 * 3600);
    expect(sessionTtl({ loginTs, now: loginTs + 5 * 3600, idleSeconds: 8 * 3600, maxSeconds })).toBe(7 * 3600);
  });
});
