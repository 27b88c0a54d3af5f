// Checking what the user gave on the second-factor page: the chosen method's Factor verifies it
// (src/factors/<kind>/factor.ts: a time step or signature counter only moves forward, a code is
// bound to this sign-in and factor, a recovery code works once); a possible cloned authenticator
// is audited here. No HTTP here: the caller counts, regulates and renders.
import { factorOf } from '../../src/factors/registry.js';
import type { FactorRecord } from '../../src/storage/postgres/factors.js';
import type { InteractionDeps } from '../context.js';
import type { Translator } from '../../src/i18n/i18n.js';
import type { InteractionDetails } from '../load.js';
import type { Step } from './step-types.js';

export type FactorStep = Extract<Step, { step: 'factor' }>;

/** Codes sent by e-mail or SMS belong to this sign-in and this factor. */
export const codeBinding = (details: InteractionDetails, factor: FactorRecord) => `${details.uid}:${factor.id}`;

type Check = { ok: true; amr: readonly string[]; notice?: string } | { ok: false; reason: string };

export async function checkMethod(deps: InteractionDeps, tr: Translator, details: InteractionDetails, step: FactorStep, typed: string): Promise<Check> {
  const { method, account } = step;
  const factor = factorOf(method.kind);
  // a code factor is bound to this sign-in and factor; a WebAuthn challenge to this sign-in
  const binding = factor.delivery && method.factor ? codeBinding(details, method.factor) : details.uid;
  const result = await factor.verify(deps, { accountId: account.id, binding, typed, factor: method.factor, keys: method.keys });
  if (!result.ok) {
    if (result.counterRegression) {
      const { detail, ...rest } = result.counterRegression;
      await deps.audit.record({ type: 'webauthn.counter_regression', accountId: account.id, details: detail !== undefined ? { detail } : rest });
    }
    return { ok: false, reason: result.reason };
  }
  const notice = result.remainingRecoveryCodes !== undefined ? tr.t('mfa.recovery_used', { count: result.remainingRecoveryCodes }) : undefined;
  return { ok: true, amr: result.amr, ...(notice !== undefined ? { notice } : {}) };
}
