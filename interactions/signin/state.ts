// Progress of one sign-in, kept beside its oidc-provider interaction (same lifetime): who has
// proven what so far, which second factor the user chose, wrong codes typed. The interaction
// itself only learns the outcome (finish.ts); nothing here is trusted from the browser.
import type { ShortLivedStore } from '../../src/storage/short-lived/store.js';
import type { NotHonouredReason } from '../../src/devices/devices.js';

export interface SignInState {
  accountId: string;
  /** RFC 8176 values proven in this sign-in (or by the session, for a step-up) */
  amr: string[];
  /** the password was proven by the existing session: only the second factor is asked */
  stepUp: boolean;
  /** wrong second-factor codes typed in this sign-in */
  wrongCodes: number;
  /** the chosen factor: a factor id, or 'recovery' */
  method?: string | undefined;
  /** an authenticator-app enrolment in progress: the factor id and its sealed secret */
  enrol?: { kind: 'totp'; factorId: string; secretSealed: string } | undefined;
  /** what the browser's remembered device (if any) decided, once, after the password */
  device?: DeviceOutcome | undefined;
}

/** What the browser's remembered device decided (remembered-device.ts). */
export interface DeviceOutcome {
  /** the organisation's "remember for N days" (0: not offered) */
  days: number;
  /** the remembered device that skipped the second factor */
  honoured?: string | undefined;
  /** why the browser's remembered device was not honoured */
  reason?: NotHonouredReason | undefined;
  /** when it was remembered, for how many days, and when and why it was forgotten (epoch ms) */
  rememberedAt?: number | undefined;
  rememberedDays?: number | undefined;
  forgottenAt?: number | undefined;
  forgottenReason?: string | undefined;
}

const ttlSeconds = 30 * 60;
const key = (uid: string) => `signin:${uid}`;
const noticeKey = (uid: string) => `signin-notice:${uid}`;
const abandonedKey = (uid: string) => `signin-abandoned:${uid}`;

export function signInStates(store: ShortLivedStore) {
  return {
    async load(uid: string): Promise<SignInState | undefined> {
      const raw = await store.get(key(uid));
      return raw ? (JSON.parse(raw) as SignInState) : undefined;
    },
    async save(uid: string, state: SignInState): Promise<void> {
      await store.set(key(uid), JSON.stringify(state), ttlSeconds);
    },
    async clear(uid: string): Promise<void> {
      await store.del(key(uid));
    },
    /** A message for the next page of this sign-in (after it was sent back to the start). */
    async setNotice(uid: string, notice: string): Promise<void> {
      await store.set(noticeKey(uid), notice, ttlSeconds);
    },
    async takeNotice(uid: string): Promise<string | undefined> {
      return store.take(noticeKey(uid));
    },
    /** Stop this sign-in: forget its progress; from now on it must start with the password. */
    async abandon(uid: string, notice: string): Promise<void> {
      await store.del(key(uid));
      await store.set(abandonedKey(uid), '1', ttlSeconds);
      await store.set(noticeKey(uid), notice, ttlSeconds);
    },
    async wasAbandoned(uid: string): Promise<boolean> {
      return (await store.get(abandonedKey(uid))) !== undefined;
    },
  };
}

export type SignInStates = ReturnType<typeof signInStates>;
