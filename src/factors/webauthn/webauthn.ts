// The WebAuthn second factor (security keys and passkeys) on @simplewebauthn/server: options for
// the browser, and verification of what the browser sends back. No HTTP and no Postgres writes
// here: the caller saves a new factor (factorsRepo.save) and records each use with
// factorsRepo.advanceSignCount, whose UPDATE refuses a counter that does not move forward.
//
// A challenge lives in the short-lived store for 5 minutes under a key derived from the binding
// the caller passes (the sign-in's interaction uid, the profile session…), hashed so no session
// id reaches Redis in the clear. It is taken (read and deleted) by the first verification, so a
// response works once whatever the outcome; the expiry is also checked against the injected
// clock, so it holds to the second even when Redis keeps the key a little longer.
//
// Everything the browser posts is untrusted: not JSON, too large (64 KiB), the wrong shape, a
// credential that is not the account's, a failed signature — each becomes an AppError with code
// `webauthn_failed` (or `webauthn_expired` when the challenge is gone), status 400, never a 500.
import { createHash } from 'node:crypto';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/server';
import type { Clock } from '../../clock.js';
import { AppError } from '../../errors.js';
import type { StoredFactor } from '../factor.js';
import { amrFor } from './factor.js';
import type { ShortLivedStore } from '../../storage/short-lived/store.js';
import { failed, parseAuthentication, parseRegistration } from './webauthn-responses.js';

export { maxResponseBytes } from './webauthn-responses.js';
export { amrFor } from './factor.js';

export const challengeTtlSeconds = 300;
/** how long the browser waits for the authenticator (a retry reuses the options until the challenge expires) */
const ceremonyTimeoutMs = 120_000;
/** findByCredentialId refuses longer ids, so a credential we could not look up again is not registered */
const maxCredentialIdLength = 1024;

/**
 * COSE algorithms offered for new credentials, in order of preference: ES256 is what every
 * authenticator implements; EdDSA (some security keys) and RS256 (Windows Hello) for the rest.
 */
export const supportedAlgorithmIds = [-7, -8, -257] as const;

const knownTransports = new Set(['ble', 'cable', 'hybrid', 'internal', 'nfc', 'smart-card', 'usb']);

export interface WebAuthnAccount {
  id: string;
  email: string;
  name: string;
}

/** What factorsRepo.save needs for a new WebAuthn factor (add accountId and label). */
export interface NewWebAuthnFactor {
  kind: 'webauthn';
  credentialId: string;
  publicKey: string;
  signCount: number;
  transports: string[];
  deviceType: 'singleDevice' | 'multiDevice';
  backedUp: boolean;
  aaguid: string;
}

export interface VerifiedAuthentication<F extends StoredFactor = StoredFactor> {
  /** the factor whose credential signed, from the list passed in */
  factor: F;
  /** pass to factorsRepo.advanceSignCount; false from it means a possible cloned authenticator */
  newSignCount: number;
  backedUp: boolean;
  userVerified: boolean;
}

export type WebAuthnErrorCode = 'webauthn_failed' | 'webauthn_expired';

const expired = () => new AppError('webauthn_expired', 400, 'WebAuthn challenge expired or already used');

const isWebAuthnFactor = <F extends StoredFactor>(f: F): f is F & { credentialId: string; publicKey: string; signCount: number } =>
  f.kind === 'webauthn' && typeof f.credentialId === 'string' && typeof f.publicKey === 'string' && typeof f.signCount === 'number';

const descriptor = (f: StoredFactor & { credentialId: string }) => ({
  id: f.credentialId,
  ...(f.transports?.length ? { transports: f.transports } : {}),
});

type Ceremony = 'registration' | 'authentication';
interface StoredChallenge {
  challenge: string;
  /** epoch milliseconds, by the injected clock */
  exp: number;
}

export function createWebAuthn(deps: {
  rpName: string;
  /** the issuer URL: its hostname is the RP ID, its origin the only origin accepted */
  issuer: string;
  store: ShortLivedStore;
  clock: Clock;
  /** to refuse registering a credential id some account already has (WebAuthn §7.1 step 22) */
  factors: { findByCredentialId(credentialId: string): Promise<unknown> };
}) {
  const issuer = new URL(deps.issuer);
  const rpID = issuer.hostname;
  const expectedOrigin = issuer.origin;

  const key = (ceremony: Ceremony, binding: string) => `webauthn:${ceremony}:${createHash('sha256').update(binding).digest('base64url')}`;

  async function remember(ceremony: Ceremony, binding: string, challenge: string): Promise<void> {
    const stored: StoredChallenge = { challenge, exp: deps.clock.now() + challengeTtlSeconds * 1000 };
    await deps.store.set(key(ceremony, binding), JSON.stringify(stored), challengeTtlSeconds);
  }

  /** The challenge of (ceremony, binding), used up; expired when absent or past its time. */
  async function takeChallenge(ceremony: Ceremony, binding: string): Promise<string> {
    const raw = await deps.store.take(key(ceremony, binding));
    if (raw === undefined) throw expired();
    const stored = JSON.parse(raw) as StoredChallenge;
    if (deps.clock.now() > stored.exp) throw expired();
    return stored.challenge;
  }

  return {
    rpID,
    expectedOrigin,
    amrFor,

    /** Options for navigator.credentials.create(); replaces any pending registration of `binding`. */
    async registrationOptions(input: { binding: string; account: WebAuthnAccount; existing: StoredFactor[] }): Promise<PublicKeyCredentialCreationOptionsJSON> {
      const options = await generateRegistrationOptions({
        rpName: deps.rpName,
        rpID,
        // the account id, not the e-mail address: a user handle must not carry personal data, and
        // a stable one makes a second registration on the same authenticator replace the first
        userID: new Uint8Array(Buffer.from(input.account.id, 'utf8')),
        userName: input.account.email,
        userDisplayName: input.account.name || input.account.email,
        timeout: ceremonyTimeoutMs,
        attestationType: 'none',
        excludeCredentials: input.existing.filter(isWebAuthnFactor).map(descriptor),
        authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
        supportedAlgorithmIDs: [...supportedAlgorithmIds],
      });
      await remember('registration', input.binding, options.challenge);
      return options;
    },

    /** Check a registration response; the fields of the new factor, or AppError webauthn_failed/webauthn_expired. */
    async verifyRegistration(input: { binding: string; response: unknown }): Promise<NewWebAuthnFactor> {
      const response = parseRegistration(input.response);
      const expectedChallenge = await takeChallenge('registration', input.binding);
      let result: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
      try {
        result = await verifyRegistrationResponse({
          response,
          expectedChallenge,
          expectedOrigin,
          expectedRPID: rpID,
          requireUserPresence: true,
          requireUserVerification: false,
          supportedAlgorithmIDs: [...supportedAlgorithmIds],
        });
      } catch (err) {
        throw failed(err instanceof Error ? err.message : 'registration not verified', err);
      }
      if (!result.verified) throw failed('attestation not verified');
      const info = result.registrationInfo;
      const credentialId = info.credential.id;
      if (credentialId.length > maxCredentialIdLength) throw failed('credential id too long');
      if (await deps.factors.findByCredentialId(credentialId)) throw failed('credential id already registered');
      return {
        kind: 'webauthn',
        credentialId,
        publicKey: Buffer.from(info.credential.publicKey).toString('base64url'),
        signCount: info.credential.counter,
        transports: [...new Set((info.credential.transports ?? []).filter((t) => knownTransports.has(t)))],
        deviceType: info.credentialDeviceType,
        backedUp: info.credentialBackedUp,
        aaguid: info.aaguid,
      };
    },

    /** Options for navigator.credentials.get(), limited to the account's WebAuthn factors. */
    async authenticationOptions(input: { binding: string; factors: StoredFactor[] }): Promise<PublicKeyCredentialRequestOptionsJSON> {
      const allow = input.factors.filter(isWebAuthnFactor);
      // without allowCredentials the browser would offer any passkey for this site, of any account
      if (allow.length === 0) throw new Error('authenticationOptions: the account has no WebAuthn factor');
      const options = await generateAuthenticationOptions({
        rpID,
        allowCredentials: allow.map(descriptor),
        userVerification: 'preferred',
        timeout: ceremonyTimeoutMs,
      });
      await remember('authentication', input.binding, options.challenge);
      return options;
    },

    /**
     * Check an authentication response against the account's factors. Does not write the counter:
     * the caller calls factorsRepo.advanceSignCount(factor.id, newSignCount, backedUp) and treats
     * false as a possible clone. A counter that went backwards is already refused here.
     */
    async verifyAuthentication<F extends StoredFactor>(input: { binding: string; response: unknown; factors: F[] }): Promise<VerifiedAuthentication<F>> {
      const response = parseAuthentication(input.response);
      const expectedChallenge = await takeChallenge('authentication', input.binding);
      const factor = input.factors.filter(isWebAuthnFactor).find((f) => f.credentialId === response.id);
      if (!factor) throw failed("credential is not one of the account's factors");
      let result: Awaited<ReturnType<typeof verifyAuthenticationResponse>>;
      try {
        result = await verifyAuthenticationResponse({
          response,
          expectedChallenge,
          expectedOrigin,
          expectedRPID: rpID,
          credential: {
            id: factor.credentialId,
            publicKey: new Uint8Array(Buffer.from(factor.publicKey, 'base64url')),
            counter: factor.signCount,
            ...(factor.transports?.length ? { transports: factor.transports } : {}),
          },
          requireUserVerification: false,
        });
      } catch (err) {
        const message = err instanceof Error ? err.message : 'authentication not verified';
        // the library's counter check: the authenticator reports a count at or below the stored one
        if (/counter/i.test(message)) {
          throw new AppError('webauthn_clone', 400, `WebAuthn response refused: signature counter did not move forward, possible cloned authenticator (${message})`, { cause: err });
        }
        throw failed(message, err);
      }
      if (!result.verified) throw failed('signature not verified');
      const info = result.authenticationInfo;
      return { factor, newSignCount: info.newCounter, backedUp: info.credentialBackedUp, userVerified: info.userVerified };
    },
  };
}

export type WebAuthn = ReturnType<typeof createWebAuthn>;
