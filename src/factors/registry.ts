// Every kind of second factor, one line each, in the order pages offer them (authenticator app,
// security key, e-mail, SMS; recovery codes last). A new kind is a folder under src/factors/ with
// a `Factor` (factor.ts), its line here, its catalogue keys and its templates (docs/factors.md).
import type { Factor } from './factor.js';
import { emailCodeFactor } from './email-code/factor.js';
import { recoveryCodesFactor } from './recovery-codes/factor.js';
import { smsCodeFactor } from './sms-code/factor.js';
import { totpFactor } from './totp/factor.js';
import { webauthnFactor } from './webauthn/factor.js';

export const registry = [totpFactor, webauthnFactor, emailCodeFactor, smsCodeFactor, recoveryCodesFactor] as const satisfies readonly Factor[];

type Registered = (typeof registry)[number];
/** every kind a user can prove a second factor with at sign-in ('recovery' included) */
export type MethodKind = Registered['kind'];
/** the kinds kept as factors (enrolled, in an organisation's allowed methods) */
export type FactorKind = Exclude<MethodKind, typeof recoveryCodesFactor.kind>;

/** The stored kinds, in the registry's order. */
export const factorKinds = registry.filter((f) => f.stored).map((f) => f.kind) as FactorKind[];

const byKind = new Map<string, Factor>(registry.map((f) => [f.kind, f]));

/** The Factor of a kind; throws for a kind nobody registered (a stored row of a removed kind is a bug). */
export function factorOf(kind: string): Factor {
  const f = byKind.get(kind);
  if (!f) throw new Error(`no factor registered for kind ${kind}`);
  return f;
}

export const isFactorKind = (kind: string): kind is FactorKind => factorKinds.includes(kind as FactorKind);
/** the kinds whose codes are sent to a destination (e-mail, text message) */
export const deliveredKinds = registry.filter((f) => 'delivery' in f && f.delivery !== undefined).map((f) => f.kind) as FactorKind[];
export const isDelivered = (kind: string): boolean => byKind.get(kind)?.delivery !== undefined;
