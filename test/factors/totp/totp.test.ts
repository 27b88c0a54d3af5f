// TOTP against the published vectors of RFC 6238 (appendix B) and RFC 4226 (appendix D), plus
// the drift window and replay refusal.
import { describe, expect, it } from 'vitest';
import { generate } from 'otplib';
import { base32 } from '@scure/base';
import { manualClock } from '../../../src/clock.js';
import { createTotp } from '../../../src/factors/totp/totp.js';

// RFC 6238 / RFC 4226 test secret: ASCII "12345678901234567890"
const rfcSecret = base32.encode(new TextEncoder().encode('12345678901234567890')).replace(/=+$/, '');

describe('RFC 4226 HOTP vectors (the algorithm under TOTP)', () => {
  const expected = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'];
  it.each(expected.map((code, counter) => [counter, code]))('counter %i → %s', async (counter, code) => {
    // HOTP(counter) = TOTP at epoch counter × 30 with period 30
    expect(await generate({ secret: rfcSecret, epoch: Number(counter) * 30, period: 30, digits: 6, algorithm: 'sha1' })).toBe(code);
  });
});

describe('RFC 6238 TOTP vectors (SHA-1, 8 digits)', () => {
  const vectors: Array<[number, string]> = [
    [59, '94287082'],
    [1111111109, '07081804'],
    [1111111111, '14050471'],
    [1234567890, '89005924'],
    [2000000000, '69279037'],
    [20000000000, '65353130'],
  ];
  it.each(vectors)('T=%i → %s', async (epoch, code) => {
    expect(await generate({ secret: rfcSecret, epoch, period: 30, digits: 8, algorithm: 'sha1' })).toBe(code);
  });
});

describe('createTotp', () => {
  const at = (epochSeconds: number) => {
    const clock = manualClock(epochSeconds * 1000);
    return { clock, totp: createTotp({ clock, issuer: 'Twofold' }) };
  };
  const codeAt = (secret: string, epoch: number) => generate({ secret, epoch, period: 30, digits: 6, algorithm: 'sha1' });

  it('accepts the RFC secret at the RFC times (6-digit truncation of the vectors)', async () => {
    const { totp } = at(1111111109);
    expect(await totp.check(rfcSecret, '081804')).toEqual({ ok: true, step: Math.floor(1111111109 / 30) });
  });

  it('accepts one step of drift either way, not two', async () => {
    const { totp } = at(1_700_000_000);
    const secret = totp.newSecret();
    for (const drift of [-30, 0, 30]) expect((await totp.check(secret, await codeAt(secret, 1_700_000_000 + drift))).ok).toBe(true);
    for (const drift of [-60, 60, 90]) expect(await totp.check(secret, await codeAt(secret, 1_700_000_000 + drift))).toEqual({ ok: false, reason: 'wrong_code' });
  });

  it('never accepts the same time step twice, nor an older one', async () => {
    const { totp, clock } = at(1_700_000_010);
    const secret = totp.newSecret();
    const code = await codeAt(secret, 1_700_000_010);
    const first = await totp.check(secret, code);
    expect(first.ok).toBe(true);
    const step = first.ok ? first.step : -1;
    expect(await totp.check(secret, code, step)).toEqual({ ok: false, reason: 'replayed' });
    // the previous step's code is inside the drift window but older than the used one
    expect(await totp.check(secret, await codeAt(secret, 1_700_000_010 - 30), step)).toEqual({ ok: false, reason: 'replayed' });
    // the next step is fine
    clock.advance(30_000);
    expect((await totp.check(secret, await codeAt(secret, 1_700_000_040), step)).ok).toBe(true);
  });

  it('refuses malformed input without throwing', async () => {
    const { totp } = at(1_700_000_000);
    const secret = totp.newSecret();
    for (const bad of ['', '12345', '1234567', 'abcdef', '12 34 5x']) expect(await totp.check(secret, bad)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('accepts codes typed with spaces', async () => {
    const { totp } = at(1_700_000_000);
    const secret = totp.newSecret();
    const code = await codeAt(secret, 1_700_000_000);
    expect((await totp.check(secret, `${code.slice(0, 3)} ${code.slice(3)}`)).ok).toBe(true);
  });

  it('makes 160-bit base32 secrets and an otpauth URI apps understand', () => {
    const { totp } = at(0);
    const secret = totp.newSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const uri = new URL(totp.uri(secret, 'ada@example.com'));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname)).toBe('/Twofold:ada@example.com');
    expect(uri.searchParams.get('secret')).toBe(secret);
    expect(uri.searchParams.get('issuer')).toBe('Twofold');
    expect(uri.searchParams.get('digits') ?? '6').toBe('6');
    expect(uri.searchParams.get('period') ?? '30').toBe('30');
  });
});
