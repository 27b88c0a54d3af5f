// The types of the sign-in's step table (steps.ts): what a step is, what it carries, and how a
// step's routes are handed the step they may act on. Step modules import these, not steps.ts.
import type { Context } from 'koa';
import type { MethodKind } from '../../src/factors/registry.js';
import type { Account } from '../../src/storage/postgres/accounts.js';
import type { FactorRecord } from '../../src/storage/postgres/factors.js';
import type { TwoFactorPolicy } from '../../src/organisations/policy.js';
import type { InteractionDetails } from '../load.js';
import type { SignInState } from './state.js';

export type Method = {
  id: string;
  kind: MethodKind;
  /** the factor behind a code method */
  factor?: FactorRecord;
  /** every security key and passkey: one method, the browser picks the key */
  keys?: FactorRecord[];
};

export type Step =
  | { step: 'password' }
  | { step: 'finish'; state: SignInState }
  | { step: 'enrol'; state: SignInState; account: Account }
  | { step: 'choose'; state: SignInState; account: Account; methods: Method[] }
  | { step: 'factor'; state: SignInState; account: Account; method: Method; methods: Method[]; policy: TwoFactorPolicy }
  | PolicyStep;

/** The policy's steps for a user without a usable second factor (policy-step.ts). */
export type PolicyStep = { step: 'invite'; state: SignInState; account: Account; from: Date } | { step: 'refused'; state: SignInState; account: Account };

/** The enrolment step: a second factor is needed and none is set up yet (enrol.ts). */
export type EnrolStep = Extract<Step, { step: 'enrol' }>;

/** How router.ts runs a step's POST: only while the sign-in is at `expected`, with that step. */
export type SignInPost = (ctx: Context, expected: Step['step'], act: (details: InteractionDetails, step: Step) => Promise<void>) => Promise<void>;
