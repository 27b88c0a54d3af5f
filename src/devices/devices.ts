// "Remember this device for N days": a device record per browser and account (only the SHA-256
// of its random token is stored), and the decision whether a remembered device may skip the
// second factor of a sign-in. It may only when the cookie names a live record of this account,
// the browser and OS family are the same, the IP address matches the organisation's rule, and
// nothing security-critical happened (failed attempts or a changed credential since its last
// use, an administrator's flag, a relying party asking for a fresh second factor). Every
// refusal has a reason the page can explain; a token that is unknown or belongs to another
// account is no cookie at all.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Queryable } from '../storage/postgres/db.js';
import type { AuditLog } from '../storage/postgres/audit.js';
import type { RememberIpRule } from '../organisations/policy.js';
import { createRememberedDevicesRepo, type RememberedDevice } from '../storage/postgres/remembered-devices.js';
import { normaliseIp, sameNetwork } from './ip-rule.js';
import { deviceFamily, sameFamily } from './user-agent.js';

export type NotHonouredReason = 'forgotten' | 'expired' | 'different_browser' | 'different_network' | 'flagged' | 'fresh_factor' | 'failed_attempts' | 'credential_changed';

export type DeviceVerdict = { kind: 'none' } | { kind: 'honoured'; device: RememberedDevice } | { kind: 'not_honoured'; reason: NotHonouredReason; device: RememberedDevice };

export interface DeviceCheck {
  accountId: string;
  /** the device cookie of this account, as the browser sent it */
  token: string | undefined;
  ip: string;
  userAgent: string | undefined;
  ipRule: RememberIpRule;
  /** the relying party asked for a fresh second factor (acr_values, max_age, prompt=login) */
  freshFactorDemanded: boolean;
  clientId?: string | undefined;
}

const dayMs = 24 * 60 * 60 * 1000;
const tokenPattern = /^[A-Za-z0-9_-]{43}$/;
const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url');

export function createDevices(opts: { db: Queryable; audit: AuditLog; clock: Clock; key: Buffer; secureCookies: boolean }) {
  const repo = createRememberedDevicesRepo(opts.db);
  const { audit, clock } = opts;
  const nameKey = createHmac('sha256', opts.key).update('twofold remembered-device cookie names v1').digest();

  /** Why a remembered device of this account may not skip the second factor now, if anything. */
  async function reasonNotToHonour(device: RememberedDevice, input: DeviceCheck): Promise<NotHonouredReason | undefined> {
    if (device.forgottenAt) return 'forgotten';
    if (device.expiresAt.getTime() <= clock.now()) return 'expired';
    if (!sameFamily(device, deviceFamily(input.userAgent))) return 'different_browser';
    if (!sameNetwork(input.ipRule, device.ip, input.ip)) return 'different_network';
    const since = await repo.securityEventsSince(input.accountId, device.lastUsedAt);
    if (since.flagged) return 'flagged';
    if (input.freshFactorDemanded) return 'fresh_factor';
    if (since.failedAttempts) return 'failed_attempts';
    if (since.credentialChanged) return 'credential_changed';
    return undefined;
  }

  return {
    repo,

    /**
     * The cookie of one account's device token. One cookie per account, so several people can
     * share a browser; the name is a keyed hash, so it does not tell whose account it is.
     */
    cookieName(accountId: string): string {
      const tag = createHmac('sha256', nameKey).update(accountId).digest('base64url').slice(0, 16);
      return `${opts.secureCookies ? '__Host-' : ''}twofold.device.${tag}`;
    },

    /**
     * Remember this browser for `days`: returns the token for its cookie. The device the
     * browser's previous token named (`replacing`), if any, is forgotten: one browser, one record.
     */
    async remember(input: {
      accountId: string;
      ip: string;
      userAgent: string | undefined;
      days: number;
      clientId?: string | undefined;
      replacing?: string | undefined;
    }): Promise<{ token: string; device: RememberedDevice }> {
      if (input.replacing && tokenPattern.test(input.replacing)) await repo.forgetByTokenHash(input.accountId, hashToken(input.replacing), 'replaced');
      const token = randomBytes(32).toString('base64url');
      const family = deviceFamily(input.userAgent);
      const device = await repo.save({
        accountId: input.accountId,
        tokenHash: hashToken(token),
        ...family,
        ip: normaliseIp(input.ip),
        expiresAt: new Date(clock.now() + input.days * dayMs),
        // a day's grace, so a browser whose clock runs late still hears that its device expired
        purgeBefore: new Date(clock.now() - dayMs),
      });
      await audit.record({
        type: 'device.remembered',
        accountId: input.accountId,
        clientId: input.clientId,
        ip: input.ip,
        userAgent: input.userAgent,
        details: { deviceId: device.id, browser: device.browser, os: device.os, days: input.days },
      });
      return { token, device };
    },

    /** May this browser skip the second factor? Honoured uses count as the device's last use. */
    async check(input: DeviceCheck): Promise<DeviceVerdict> {
      if (!input.token || !tokenPattern.test(input.token)) return { kind: 'none' };
      const device = await repo.findByTokenHash(hashToken(input.token));
      if (!device || device.accountId !== input.accountId) return { kind: 'none' };
      const reason = await reasonNotToHonour(device, input);
      if (!reason) {
        await repo.touch(device.id);
        return { kind: 'honoured', device };
      }
      await audit.record({
        type: 'device.not_honoured',
        accountId: input.accountId,
        clientId: input.clientId,
        ip: input.ip,
        userAgent: input.userAgent,
        details: { reason, deviceId: device.id },
      });
      return { kind: 'not_honoured', reason, device };
    },

    /** The device a browser's cookie names, if it is one of this account's. */
    async findByToken(accountId: string, token: string | undefined): Promise<RememberedDevice | undefined> {
      if (!token || !tokenPattern.test(token)) return undefined;
      const device = await repo.findByTokenHash(hashToken(token));
      return device?.accountId === accountId ? device : undefined;
    },

    /** The devices that still count, newest first. */
    list: (accountId: string) => repo.listLive(accountId, new Date(clock.now())),

    async forget(accountId: string, deviceId: string, context: { reason: string; ip?: string; userAgent?: string } = { reason: 'profile' }): Promise<boolean> {
      const done = await repo.forget(accountId, deviceId, context.reason);
      if (done) await audit.record({ type: 'device.forgotten', accountId, ip: context.ip, userAgent: context.userAgent, details: { reason: context.reason, deviceId, count: 1 } });
      return done;
    },

    /**
     * Forget every device of an account (a password change, a 2FA reset, "sign out everywhere",
     * "This wasn't me", the profile's "Forget all"); `reason` is kept so the next sign-in on such
     * a browser can say why. Returns how many were forgotten.
     */
    async forgetAll(accountId: string, reason: string, context: { ip?: string; userAgent?: string; by?: Record<string, unknown> } = {}): Promise<number> {
      const count = await repo.forgetAll(accountId, reason);
      if (count > 0) await audit.record({ type: 'device.forgotten', accountId, ip: context.ip, userAgent: context.userAgent, details: { ...context.by, reason, count } });
      return count;
    },
  };
}

export type Devices = ReturnType<typeof createDevices>;
