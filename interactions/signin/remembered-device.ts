// The sign-in's side of "Remember this device for N days" (the decision itself is in
// src/devices/devices.ts). Right after the password, once per sign-in, the browser's device
// cookie for this account is checked; the outcome stays in the sign-in state: either the
// second factor is skipped (amr ["pwd"], acr urn:twofold:acr:remembered-device), or the
// second-factor page says why the device was not honoured this time. After a second factor,
// the ticked checkbox remembers the browser.
import type { Context } from 'koa';
import { acr } from '../../src/oidc/authentication.js';
import type { Account } from '../../src/storage/postgres/accounts.js';
import type { TwoFactorPolicy } from '../../src/organisations/policy.js';
import type { InteractionDeps } from '../context.js';
import { formatDayMonth } from '../../src/i18n/format.js';
import type { Translator } from '../../src/i18n/i18n.js';
import type { InteractionDetails } from '../load.js';
import type { DeviceOutcome, SignInState } from './state.js';

const dayMs = 24 * 60 * 60 * 1000;

async function rememberDays(deps: InteractionDeps, account: Pick<Account, 'organisationId'>): Promise<number> {
  const org = await deps.organisations.findById(account.organisationId);
  return org?.policy.rememberDeviceDays ?? 0;
}

/** The relying party wants a second factor proven now: acr_values=…:mfa, max_age or prompt=login. */
function freshFactorDemanded(details: InteractionDetails): boolean {
  const p = details.params as Record<string, unknown>;
  return (
    String(p['acr_values'] ?? '')
      .split(' ')
      .includes(acr.mfa) ||
    (p['max_age'] !== undefined && p['max_age'] !== '') ||
    String(p['prompt'] ?? '')
      .split(' ')
      .includes('login')
  );
}

/** Check the browser's device cookie of this account (once per sign-in, after the password). */
export async function checkRememberedDevice(ctx: Context, deps: InteractionDeps, details: InteractionDetails, account: Account, policy: TwoFactorPolicy): Promise<DeviceOutcome> {
  const days = policy.rememberDeviceDays;
  const token = ctx.cookies.get(deps.devices.cookieName(account.id));
  if (!token || days === 0) return { days };
  const verdict = await deps.devices.check({
    accountId: account.id,
    token,
    ip: ctx.ip,
    userAgent: ctx.get('user-agent'),
    ipRule: policy.rememberIpRule,
    freshFactorDemanded: freshFactorDemanded(details),
    clientId: String(details.params['client_id'] ?? ''),
  });
  if (verdict.kind === 'none') return { days };
  if (verdict.kind === 'honoured') return { days, honoured: verdict.device.id };
  const d = verdict.device;
  return {
    days,
    reason: verdict.reason,
    rememberedAt: d.createdAt.getTime(),
    rememberedDays: Math.round((d.expiresAt.getTime() - d.createdAt.getTime()) / dayMs),
    forgottenAt: d.forgottenAt?.getTime(),
    forgottenReason: d.forgottenReason ?? undefined,
  };
}

const forgottenBy = new Set(['profile', 'password_changed', 'factor_reset', 'signed_out_everywhere', 'not_me', 'administrator']);

/** The second-factor page's plain-words explanation of a device that was not honoured. */
export function deviceNotice(tr: Translator, outcome: DeviceOutcome | undefined, client: string | undefined): string | undefined {
  if (!outcome?.reason || outcome.rememberedAt === undefined) return undefined;
  const date = (ms: number) => formatDayMonth(tr, new Date(ms));
  const values = { date: date(outcome.rememberedAt), count: outcome.rememberedDays ?? 0, client: client ?? tr.t('devices.the_app') };
  if (outcome.reason === 'forgotten') {
    const by = outcome.forgottenReason && forgottenBy.has(outcome.forgottenReason) ? outcome.forgottenReason : 'unknown';
    return tr.t(`devices.not_honoured.forgotten_${by}`, { ...values, forgotten: date(outcome.forgottenAt ?? outcome.rememberedAt) });
  }
  return tr.t(`devices.not_honoured.${outcome.reason}`, values);
}

/** What the second-factor pages show: the checkbox (when offered) and why a device was not honoured. */
export async function rememberedDevicePage(deps: InteractionDeps, tr: Translator, step: { state: SignInState; account: Account }, client: string | undefined) {
  const { state } = step;
  const days = state.device?.days ?? (await rememberDays(deps, step.account));
  return {
    rememberLabel: days > 0 ? tr.t('devices.remember', { count: days }) : undefined,
    deviceNotice: deviceNotice(tr, state.device, client),
  };
}

/** After a second factor: remember the browser when the box was ticked (and offered). */
export async function afterSecondFactor(ctx: Context, deps: InteractionDeps, details: InteractionDetails, state: SignInState): Promise<void> {
  const body = (ctx.request.body ?? {}) as Record<string, unknown>;
  if (body['remember'] !== 'yes') {
    // a cookie whose device can never be honoured again has said what it had to say
    if (state.device?.reason === 'forgotten' || state.device?.reason === 'expired')
      ctx.cookies.set(deps.devices.cookieName(state.accountId), null, { path: '/', secure: deps.config.secureCookies, overwrite: true });
    return;
  }
  const account = await deps.accounts.findById(state.accountId);
  if (!account) return;
  const days = state.device?.days ?? (await rememberDays(deps, account));
  if (days <= 0) return;
  const name = deps.devices.cookieName(account.id);
  const { token } = await deps.devices.remember({
    accountId: account.id,
    ip: ctx.ip,
    userAgent: ctx.get('user-agent'),
    days,
    clientId: String(details.params['client_id'] ?? ''),
    replacing: ctx.cookies.get(name),
  });
  ctx.cookies.set(name, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: deps.config.secureCookies,
    path: '/',
    signed: false,
    overwrite: true,
    maxAge: days * dayMs,
  });
}
