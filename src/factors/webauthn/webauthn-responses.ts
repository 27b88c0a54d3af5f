// What the browser posts after a WebAuthn ceremony is untrusted: it is size-capped (64 KiB),
// parsed as JSON and checked against the shape @simplewebauthn/browser produces before the
// library sees it. Anything else is an AppError webauthn_failed (400), never a 500.
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { z } from 'zod';
import { AppError } from '../../errors.js';

/** the most we read of a posted response; real ones are a few KiB */
export const maxResponseBytes = 64 * 1024;

export const failed = (detail: string, cause?: unknown) => new AppError('webauthn_failed', 400, `WebAuthn response refused: ${detail}`, { cause });

// Shapes of what @simplewebauthn/browser posts (RegistrationResponseJSON, AuthenticationResponseJSON).
// Binary fields must be base64url; unknown keys are dropped; optional, informational fields are
// accepted loosely (browsers disagree on null vs absent).
const b64url = z
  .string()
  .min(1)
  .max(maxResponseBytes)
  .regex(/^[A-Za-z0-9_-]+$/);
const common = {
  id: b64url,
  rawId: b64url,
  type: z.literal('public-key'),
  authenticatorAttachment: z.string().max(32).nullish(),
  clientExtensionResults: z.record(z.string(), z.unknown()).nullish(),
};
const registrationShape = z.object({
  ...common,
  response: z.object({
    clientDataJSON: b64url,
    attestationObject: b64url,
    authenticatorData: b64url.nullish(),
    transports: z.array(z.string().max(32)).max(16).nullish(),
    publicKeyAlgorithm: z.number().int().nullish(),
    publicKey: b64url.nullish(),
  }),
});
const authenticationShape = z.object({
  ...common,
  response: z.object({
    clientDataJSON: b64url,
    authenticatorData: b64url,
    signature: b64url,
    userHandle: b64url.nullish(),
  }),
});

/** The posted value (the form field's string, or a parsed body), size-capped and JSON-parsed. */
function parsePosted(response: unknown): unknown {
  if (typeof response === 'string') {
    if (Buffer.byteLength(response) > maxResponseBytes) throw failed('larger than 64 KiB');
    try {
      return JSON.parse(response);
    } catch (err) {
      throw failed('not JSON', err);
    }
  }
  let size: number;
  try {
    size = Buffer.byteLength(JSON.stringify(response) ?? '');
  } catch (err) {
    throw failed('not serialisable as JSON', err);
  }
  if (size > maxResponseBytes) throw failed('larger than 64 KiB');
  return response;
}

function parseShape<T>(shape: z.ZodType<T>, response: unknown, what: string): T {
  const parsed = shape.safeParse(parsePosted(response));
  if (!parsed.success) throw failed(`not a ${what} response (${parsed.error.issues[0]?.path.join('.') || 'root'}: ${parsed.error.issues[0]?.message ?? 'invalid'})`);
  return parsed.data;
}

const withoutNulls = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined));

/** The library's JSON type from a checked shape: nulls dropped, attachment only when it is a known value. */
function toResponseJSON<R extends RegistrationResponseJSON | AuthenticationResponseJSON>(r: z.infer<typeof registrationShape> | z.infer<typeof authenticationShape>): R {
  return {
    id: r.id,
    rawId: r.rawId,
    type: r.type,
    clientExtensionResults: r.clientExtensionResults ?? {},
    ...(r.authenticatorAttachment === 'platform' || r.authenticatorAttachment === 'cross-platform' ? { authenticatorAttachment: r.authenticatorAttachment } : {}),
    response: withoutNulls(r.response),
  } as unknown as R;
}

/** A posted registration response, checked: or AppError webauthn_failed. */
export const parseRegistration = (response: unknown): RegistrationResponseJSON => toResponseJSON(parseShape(registrationShape, response, 'registration'));

/** A posted authentication response, checked: or AppError webauthn_failed. */
export const parseAuthentication = (response: unknown): AuthenticationResponseJSON => toResponseJSON(parseShape(authenticationShape, response, 'authentication'));
