// The WebAuthn module against a real ShortLivedStore (memory and Redis) and a software
// authenticator: what the options say, that a challenge is bound, single-use and expires by the
// injected clock, and that anything wrong in a response is a 400 with a code the page can
// translate. The real ceremony in Chromium is webauthn-browser.test.ts.
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { AppError } from '../../../src/errors.js';
import { amrFor, createWebAuthn, maxResponseBytes } from '../../../src/factors/webauthn/webauthn.js';
import { authenticatorName, webAuthnLabel } from '../../../src/factors/webauthn/webauthn-names.js';
import type { FactorRecord } from '../../../src/storage/postgres/factors.js';
import { createSoftAuthenticator, flags } from '../../support/webauthn-soft-authenticator.js';
import { clockedStores } from '../../support/storage-short-lived.js';

const redis = new Redis(inject('redisUrl'));
afterAll(() => redis.quit());

const setups = clockedStores(redis);

const account = { id: '6f1c2a7e-3b5d-4c8e-9f00-112233445566', email: 'ada@example.com', name: 'Ada Lovelace' };
const issuer = 'https://id.example.com';

function factor(over: Partial<FactorRecord> = {}): FactorRecord {
  return {
    id: crypto.randomUUID(),
    accountId: account.id,
    kind: 'webauthn',
    label: 'Key',
    secretSealed: null,
    lastStep: null,
    destination: null,
    credentialId: null,
    publicKey: null,
    signCount: null,
    transports: null,
    deviceType: null,
    backedUp: null,
    aaguid: null,
    createdAt: new Date(),
    lastUsedAt: null,
    ...over,
  };
}

/** Expect an AppError with this code and status 400. */
async function refused(p: Promise<unknown>, code: 'webauthn_failed' | 'webauthn_expired' | 'webauthn_clone', message?: RegExp) {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  expect(err).toMatchObject({ code, status: 400, expose: true });
  if (message) expect((err as Error).message).toMatch(message);
}

describe.each(setups)('WebAuthn (%s store)', (_name, setup) => {
  const make = (opts: { issuer?: string; registered?: string[] } = {}) => {
    const { clock, store } = setup();
    const registered = new Set(opts.registered ?? []);
    const webauthn = createWebAuthn({
      rpName: 'Twofold',
      issuer: opts.issuer ?? issuer,
      store,
      clock,
      factors: { findByCredentialId: async (id) => (registered.has(id) ? factor({ credentialId: id }) : undefined) },
    });
    return { clock, webauthn, registered };
  };
  const soft = (over: { synced?: boolean; aaguid?: string } = {}) => createSoftAuthenticator({ rpId: 'id.example.com', origin: issuer, ...over });

  /** Register a soft authenticator and return it with its factor record. */
  async function enrolled(webauthn: ReturnType<typeof make>['webauthn'], over: { synced?: boolean } = {}) {
    const key = soft(over);
    const options = await webauthn.registrationOptions({ binding: 'profile-1', account, existing: [] });
    const fields = await webauthn.verifyRegistration({ binding: 'profile-1', response: JSON.stringify(key.register(options)) });
    return { key, record: factor({ ...fields }) };
  }

  describe('registration options', () => {
    it('name the RP by the issuer host, the user by account id and e-mail, and ask for no attestation', async () => {
      const { webauthn } = make();
      const options = await webauthn.registrationOptions({ binding: 'b', account, existing: [] });
      expect(options.rp).toEqual({ name: 'Twofold', id: 'id.example.com' });
      expect(options.user).toEqual({ id: Buffer.from(account.id).toString('base64url'), name: account.email, displayName: account.name });
      expect(options.attestation).toBe('none');
      expect(options.authenticatorSelection).toMatchObject({ residentKey: 'preferred', userVerification: 'preferred' });
      expect(options.pubKeyCredParams.map((p) => p.alg)).toEqual([-7, -8, -257]);
      expect(options.challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(options.excludeCredentials).toEqual([]);
    });

    it('use localhost as the RP ID of a development issuer', async () => {
      const { webauthn } = make({ issuer: 'http://localhost:3000' });
      const options = await webauthn.registrationOptions({ binding: 'b', account: { ...account, name: '' }, existing: [] });
      expect(options.rp.id).toBe('localhost');
      expect(webauthn.expectedOrigin).toBe('http://localhost:3000');
      expect(options.user.displayName).toBe(account.email);
    });

    it("exclude the account's WebAuthn credentials, with their transports, and nothing else", async () => {
      const { webauthn } = make();
      const existing = [
        factor({ credentialId: 'AAAA', publicKey: 'pk', signCount: 0, transports: ['usb', 'nfc'] }),
        factor({ credentialId: 'BBBB', publicKey: 'pk', signCount: 3, transports: [] }),
        factor({ kind: 'totp', secretSealed: 'x' }),
      ];
      const options = await webauthn.registrationOptions({ binding: 'b', account, existing });
      expect(options.excludeCredentials).toEqual([
        { id: 'AAAA', type: 'public-key', transports: ['usb', 'nfc'] },
        { id: 'BBBB', type: 'public-key' },
      ]);
    });
  });

  describe('registration', () => {
    it('returns the fields of the new factor; the challenge works once', async () => {
      const { webauthn } = make();
      const key = soft({ aaguid: 'ee882879-721c-4913-9775-3dfcce97072a' });
      const options = await webauthn.registrationOptions({ binding: 'signin-1', account, existing: [] });
      const response = JSON.stringify(key.register(options));
      const fields = await webauthn.verifyRegistration({ binding: 'signin-1', response });
      expect(fields).toEqual({
        kind: 'webauthn',
        credentialId: key.credentialId,
        publicKey: expect.stringMatching(/^[A-Za-z0-9_-]+$/),
        signCount: 0,
        transports: ['usb', 'nfc'],
        deviceType: 'singleDevice',
        backedUp: false,
        aaguid: 'ee882879-721c-4913-9775-3dfcce97072a',
      });
      await refused(webauthn.verifyRegistration({ binding: 'signin-1', response }), 'webauthn_expired');
    });

    it('accepts the response as a parsed object too, and reports a synced passkey as multiDevice', async () => {
      const { webauthn } = make();
      const key = soft({ synced: true });
      const options = await webauthn.registrationOptions({ binding: 'b', account, existing: [] });
      const fields = await webauthn.verifyRegistration({ binding: 'b', response: key.register(options) });
      expect(fields).toMatchObject({ deviceType: 'multiDevice', backedUp: true });
    });

    it('is bound: another binding, or the authentication ceremony, has no challenge', async () => {
      const { webauthn } = make();
      const key = soft();
      const options = await webauthn.registrationOptions({ binding: 'signin-1', account, existing: [] });
      await refused(webauthn.verifyRegistration({ binding: 'signin-2', response: key.register(options) }), 'webauthn_expired');
      const record = factor({ credentialId: key.credentialId, publicKey: 'AAAA', signCount: 0 });
      await refused(webauthn.verifyAuthentication({ binding: 'signin-1', response: key.authenticate(options as never), factors: [record] }), 'webauthn_expired');
      // still there for its own ceremony
      await expect(webauthn.verifyRegistration({ binding: 'signin-1', response: key.register(options) })).resolves.toMatchObject({ kind: 'webauthn' });
    });

    it('expires after 5 minutes by the injected clock', async () => {
      const { webauthn, clock } = make();
      const key = soft();
      let options = await webauthn.registrationOptions({ binding: 'b', account, existing: [] });
      clock.advance(299_000);
      await expect(webauthn.verifyRegistration({ binding: 'b', response: key.register(options) })).resolves.toMatchObject({ kind: 'webauthn' });
      options = await webauthn.registrationOptions({ binding: 'b', account, existing: [] });
      clock.advance(301_000);
      await refused(webauthn.verifyRegistration({ binding: 'b', response: key.register(options) }), 'webauthn_expired');
    });

    it('new options replace the pending challenge of the same binding', async () => {
      const { webauthn } = make();
      const key = soft();
      const first = await webauthn.registrationOptions({ binding: 'b', account, existing: [] });
      await webauthn.registrationOptions({ binding: 'b', account, existing: [] });
      await refused(webauthn.verifyRegistration({ binding: 'b', response: key.register(first) }), 'webauthn_failed', /challenge/);
    });

    it('refuses another origin, another RP ID, no user presence, an assertion posted as a registration', async () => {
      const { webauthn } = make();
      const key = soft();
      const cases: Array<[Parameters<typeof key.register>[1], RegExp]> = [
        [{ origin: 'https://evil.example.com' }, /origin/],
        [{ rpId: 'evil.example.com' }, /RP ID/],
        [{ flags: flags.at }, /presence/],
        [{ type: 'webauthn.get' }, /type/],
      ];
      for (const [over, reason] of cases) {
        const options = await webauthn.registrationOptions({ binding: 'b', account, existing: [] });
        await refused(webauthn.verifyRegistration({ binding: 'b', response: key.register(options, over) }), 'webauthn_failed', reason);
      }
    });

    it('accepts a response without user verification (it is preferred, not required)', async () => {
      const { webauthn } = make();
      const key = soft();
      const options = await webauthn.registrationOptions({ binding: 'b', account, existing: [] });
      await expect(webauthn.verifyRegistration({ binding: 'b', response: key.register(options, { flags: flags.up | flags.at }) })).resolves.toMatchObject({ kind: 'webauthn' });
    });

    it('refuses a credential id some account already has', async () => {
      const key = soft();
      const { webauthn } = make({ registered: [key.credentialId] });
      const options = await webauthn.registrationOptions({ binding: 'b', account, existing: [] });
      await refused(webauthn.verifyRegistration({ binding: 'b', response: key.register(options) }), 'webauthn_failed', /already registered/);
    });

    it('refuses garbage without a 500, before touching the challenge', async () => {
      const { webauthn } = make();
      const key = soft();
      const options = await webauthn.registrationOptions({ binding: 'b', account, existing: [] });
      const good = key.register(options);
      const huge = JSON.stringify({ ...good, padding: 'x'.repeat(maxResponseBytes) });
      const garbage: unknown[] = [
        'not json',
        '',
        huge,
        JSON.parse(huge),
        'null',
        null,
        undefined,
        42,
        [],
        {},
        '{"id":"x"}',
        { ...good, type: 'password' },
        { ...good, id: 'not base64url!' },
        { ...good, response: { ...good.response, clientDataJSON: 42 } },
        { ...good, response: { ...good.response, attestationObject: undefined } },
        { ...good, response: { ...good.response, transports: 'usb' } },
        {
          toJSON: () => {
            throw new Error('boom');
          },
        },
      ];
      for (const response of garbage) await refused(webauthn.verifyRegistration({ binding: 'b', response }), 'webauthn_failed');
      await refused(webauthn.verifyRegistration({ binding: 'b', response: huge }), 'webauthn_failed', /64 KiB/);
      await refused(webauthn.verifyRegistration({ binding: 'b', response: 'not json' }), 'webauthn_failed', /not JSON/);
      // well-formed but not what it claims: decoding fails inside the library, still a 400
      const forged = { ...good, response: { ...good.response, attestationObject: 'AAAA' } };
      await refused(webauthn.verifyRegistration({ binding: 'b', response: forged }), 'webauthn_failed');
      // the one failure that reached the library used the challenge up
      await refused(webauthn.verifyRegistration({ binding: 'b', response: good }), 'webauthn_expired');
    });

    it('drops transports it does not know', async () => {
      const { webauthn } = make();
      const key = soft();
      const options = await webauthn.registrationOptions({ binding: 'b', account, existing: [] });
      const response = key.register(options);
      response.response.transports = ['usb', 'quantum-tunnel', 'usb', 'hybrid'];
      await expect(webauthn.verifyRegistration({ binding: 'b', response })).resolves.toMatchObject({ transports: ['usb', 'hybrid'] });
    });
  });

  describe('authentication', () => {
    it("allows exactly the account's WebAuthn credentials, user verification preferred", async () => {
      const { webauthn } = make();
      const factors = [
        factor({ credentialId: 'AAAA', publicKey: 'pk', signCount: 0, transports: ['internal', 'hybrid'] }),
        factor({ kind: 'totp', secretSealed: 'x' }),
        factor({ credentialId: 'CCCC', publicKey: 'pk', signCount: 9, transports: null }),
      ];
      const options = await webauthn.authenticationOptions({ binding: 'b', factors });
      expect(options.rpId).toBe('id.example.com');
      expect(options.userVerification).toBe('preferred');
      expect(options.allowCredentials).toEqual([
        { id: 'AAAA', type: 'public-key', transports: ['internal', 'hybrid'] },
        { id: 'CCCC', type: 'public-key' },
      ]);
      expect(options.challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    });

    it('will not make options for an account without a WebAuthn factor', async () => {
      const { webauthn } = make();
      await expect(webauthn.authenticationOptions({ binding: 'b', factors: [factor({ kind: 'totp' })] })).rejects.toThrow(/no WebAuthn factor/);
    });

    it('verifies the signature and reports the factor, the new counter and the flags; works once', async () => {
      const { webauthn } = make();
      const { key, record } = await enrolled(webauthn);
      const other = factor({ credentialId: 'ZZZZ', publicKey: record.publicKey, signCount: 0 });
      const options = await webauthn.authenticationOptions({ binding: 'signin-1', factors: [other, record] });
      const response = JSON.stringify(key.authenticate(options));
      const result = await webauthn.verifyAuthentication({ binding: 'signin-1', response, factors: [other, record] });
      expect(result).toEqual({ factor: record, newSignCount: 1, backedUp: false, userVerified: true });
      await refused(webauthn.verifyAuthentication({ binding: 'signin-1', response, factors: [record] }), 'webauthn_expired');
    });

    it('accepts an authenticator that does not count (always 0) and reports missing user verification', async () => {
      const { webauthn } = make();
      const { key, record } = await enrolled(webauthn, { synced: true });
      const options = await webauthn.authenticationOptions({ binding: 'b', factors: [record] });
      const result = await webauthn.verifyAuthentication({
        binding: 'b',
        response: key.authenticate(options, { counter: 0, flags: flags.up | flags.be | flags.bs }),
        factors: [record],
      });
      expect(result).toMatchObject({ newSignCount: 0, backedUp: true, userVerified: false });
    });

    it("refuses a credential that is not one of the given account's factors", async () => {
      const { webauthn } = make();
      const { key, record } = await enrolled(webauthn);
      const someoneElses = { ...record, credentialId: 'ZZZZ' };
      const options = await webauthn.authenticationOptions({ binding: 'b', factors: [someoneElses] });
      await refused(webauthn.verifyAuthentication({ binding: 'b', response: key.authenticate(options), factors: [someoneElses] }), 'webauthn_failed', /not one of/);
    });

    it('refuses a counter that did not move forward (a possible clone)', async () => {
      const { webauthn } = make();
      const { key, record } = await enrolled(webauthn);
      const used = { ...record, signCount: 7 };
      for (const counter of [7, 3]) {
        const options = await webauthn.authenticationOptions({ binding: 'b', factors: [used] });
        await refused(webauthn.verifyAuthentication({ binding: 'b', response: key.authenticate(options, { counter }), factors: [used] }), 'webauthn_clone', /counter/);
      }
      // and a counter that stopped counting, once it had counted
      const options = await webauthn.authenticationOptions({ binding: 'b', factors: [used] });
      await refused(webauthn.verifyAuthentication({ binding: 'b', response: key.authenticate(options, { counter: 0 }), factors: [used] }), 'webauthn_clone', /counter/);
    });

    it('refuses a bad signature, another origin, another RP ID, no user presence', async () => {
      const { webauthn } = make();
      const { key, record } = await enrolled(webauthn);
      const cases: Array<[Parameters<typeof key.authenticate>[1], RegExp]> = [
        [{ badSignature: true }, /signature not verified/],
        [{ origin: 'http://id.example.com' }, /origin/],
        [{ rpId: 'example.com' }, /RP ID/],
        [{ flags: flags.uv }, /not present/],
      ];
      for (const [over, reason] of cases) {
        const options = await webauthn.authenticationOptions({ binding: 'b', factors: [record] });
        await refused(webauthn.verifyAuthentication({ binding: 'b', response: key.authenticate(options, over), factors: [record] }), 'webauthn_failed', reason);
      }
    });

    it('expires after 5 minutes and refuses garbage', async () => {
      const { webauthn, clock } = make();
      const { key, record } = await enrolled(webauthn);
      const options = await webauthn.authenticationOptions({ binding: 'b', factors: [record] });
      const good = key.authenticate(options);
      for (const response of ['{', 'x'.repeat(maxResponseBytes + 1), { ...good, response: { ...good.response, signature: null } }, { ...good, rawId: 5 }]) {
        await refused(webauthn.verifyAuthentication({ binding: 'b', response, factors: [record] }), 'webauthn_failed');
      }
      clock.advance(300_001);
      await refused(webauthn.verifyAuthentication({ binding: 'b', response: good, factors: [record] }), 'webauthn_expired');
    });
  });
});

describe('amr of a WebAuthn factor (RFC 8176)', () => {
  it('is hwk for a device-bound key, swk for a synced passkey, always with user presence', () => {
    expect(amrFor({ deviceType: 'singleDevice' })).toEqual(['hwk', 'user']);
    expect(amrFor({ deviceType: 'multiDevice' })).toEqual(['swk', 'user']);
    expect(amrFor({ deviceType: null })).toEqual(['swk', 'user']);
  });
});

describe('names of authenticators', () => {
  const defaults = { securityKey: 'Security key', passkey: 'Passkey' };
  it('names a known AAGUID, whatever its case', () => {
    expect(authenticatorName('EE882879-721C-4913-9775-3DFCCE97072A')).toBe('YubiKey 5 Series');
    expect(authenticatorName('ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4')).toBe('Google Password Manager');
    expect(webAuthnLabel({ aaguid: 'bada5566-a7aa-401f-bd96-45619a55120d', deviceType: 'multiDevice' }, defaults)).toBe('1Password');
  });
  it('falls back to the default for the kind of credential', () => {
    expect(authenticatorName('00000000-0000-0000-0000-000000000000')).toBeUndefined();
    expect(authenticatorName(null)).toBeUndefined();
    expect(webAuthnLabel({ aaguid: '00000000-0000-0000-0000-000000000000', deviceType: 'singleDevice' }, defaults)).toBe('Security key');
    expect(webAuthnLabel({ aaguid: null, deviceType: 'multiDevice' }, defaults)).toBe('Passkey');
  });
});
