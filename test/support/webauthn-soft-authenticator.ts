// A software WebAuthn authenticator for unit tests: an ES256 key pair and the byte layouts of
// WebAuthn §6.1 (authenticator data) and §6.5 ("none" attestation), so the module's success
// paths and its refusals (wrong origin, RP ID, counter, flags, signature) are tested without a
// browser. The real ceremony in Chromium is test/factors/webauthn-browser.test.ts.
import { createHash, createSign, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import type { AuthenticationResponseJSON, PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON, RegistrationResponseJSON } from '@simplewebauthn/server';

type Cbor = number | string | Uint8Array | Map<Cbor, Cbor> | { [key: string]: Cbor };

/** The little CBOR (RFC 8949) a COSE key and an attestation object need. */
export function cbor(value: Cbor): Buffer {
  const head = (major: number, n: number): Buffer => {
    if (n < 24) return Buffer.from([(major << 5) | n]);
    if (n < 0x100) return Buffer.from([(major << 5) | 24, n]);
    if (n < 0x10000) return Buffer.from([(major << 5) | 25, n >> 8, n & 0xff]);
    const b = Buffer.alloc(5);
    b[0] = (major << 5) | 26;
    b.writeUInt32BE(n, 1);
    return b;
  };
  if (typeof value === 'number') return value >= 0 ? head(0, value) : head(1, -1 - value);
  if (typeof value === 'string') return Buffer.concat([head(3, Buffer.byteLength(value)), Buffer.from(value)]);
  if (value instanceof Uint8Array) return Buffer.concat([head(2, value.length), value]);
  const entries: Array<[Cbor, Cbor]> = value instanceof Map ? [...value.entries()] : Object.entries(value);
  return Buffer.concat([head(5, entries.length), ...entries.flatMap(([k, v]) => [cbor(k), cbor(v)])]);
}

const b64u = (b: Uint8Array | string) => Buffer.from(b).toString('base64url');

export const flags = { up: 0x01, uv: 0x04, be: 0x08, bs: 0x10, at: 0x40 } as const;

export interface SoftAuthenticatorOptions {
  rpId: string;
  origin: string;
  aaguid?: string;
  /** synced passkey: backup eligible and backed up */
  synced?: boolean;
}

export function createSoftAuthenticator(opts: SoftAuthenticatorOptions) {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const credentialId = randomBytes(32);
  const aaguid = Buffer.from((opts.aaguid ?? '00000000-0000-0000-0000-000000000000').replace(/-/g, ''), 'hex');
  let counter = 0;

  const jwk = (publicKey as KeyObject).export({ format: 'jwk' });
  const coseKey = cbor(
    new Map<Cbor, Cbor>([
      [1, 2], // kty: EC2
      [3, -7], // alg: ES256
      [-1, 1], // crv: P-256
      [-2, Buffer.from(jwk.x!, 'base64url')],
      [-3, Buffer.from(jwk.y!, 'base64url')],
    ]),
  );
  const baseFlags = opts.synced ? flags.be | flags.bs : 0;

  const clientData = (type: string, challenge: string, origin: string) => Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }));

  const authData = (rpId: string, f: number, count: number, attested?: Buffer) => {
    const c = Buffer.alloc(4);
    c.writeUInt32BE(count);
    return Buffer.concat([createHash('sha256').update(rpId).digest(), Buffer.from([f]), c, ...(attested ? [attested] : [])]);
  };

  return {
    credentialId: b64u(credentialId),
    get counter() {
      return counter;
    },
    set counter(n: number) {
      counter = n;
    },

    register(options: PublicKeyCredentialCreationOptionsJSON, over: { origin?: string; rpId?: string; flags?: number; type?: string; challenge?: string } = {}): RegistrationResponseJSON {
      const idLength = Buffer.from([credentialId.length >> 8, credentialId.length & 0xff]);
      const attested = Buffer.concat([aaguid, idLength, credentialId, coseKey]);
      const data = authData(over.rpId ?? opts.rpId, over.flags ?? flags.up | flags.uv | flags.at | baseFlags, counter, attested);
      const cd = clientData(over.type ?? 'webauthn.create', over.challenge ?? options.challenge, over.origin ?? opts.origin);
      return {
        id: b64u(credentialId),
        rawId: b64u(credentialId),
        type: 'public-key',
        clientExtensionResults: {},
        authenticatorAttachment: 'cross-platform',
        response: {
          clientDataJSON: b64u(cd),
          attestationObject: b64u(cbor({ fmt: 'none', attStmt: {}, authData: data })),
          transports: ['usb', 'nfc'],
        },
      };
    },

    authenticate(
      options: PublicKeyCredentialRequestOptionsJSON,
      over: { origin?: string; rpId?: string; flags?: number; counter?: number; badSignature?: boolean; challenge?: string } = {},
    ): AuthenticationResponseJSON {
      counter = over.counter ?? counter + 1;
      const data = authData(over.rpId ?? opts.rpId, over.flags ?? flags.up | flags.uv | baseFlags, counter);
      const cd = clientData('webauthn.get', over.challenge ?? options.challenge, over.origin ?? opts.origin);
      const signed = Buffer.concat([data, createHash('sha256').update(cd).digest()]);
      const signature = createSign('sha256')
        .update(over.badSignature ? Buffer.concat([signed, Buffer.from([0])]) : signed)
        .sign(privateKey);
      return {
        id: b64u(credentialId),
        rawId: b64u(credentialId),
        type: 'public-key',
        clientExtensionResults: {},
        response: { clientDataJSON: b64u(cd), authenticatorData: b64u(data), signature: b64u(signature) },
      };
    },
  };
}

export type SoftAuthenticator = ReturnType<typeof createSoftAuthenticator>;
