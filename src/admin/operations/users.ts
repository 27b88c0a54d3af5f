// What administrators do to accounts, shared by the JSON API (/admin/v1/users) and the console
// (/admin/users): the same checks, the same effects, the same audit rows. Who did it comes from
// the principal (actor(): by api or by console); a user outside an org admin's organisation is
// a 404, as if it did not exist. Errors are ApiErrors; each surface shows them its own way.
import type { z } from 'zod';
import { sendEmailConfirmation, type ConfirmationResult } from '../../recovery/confirm-email.js';
import { sendInvitation } from '../../recovery/invitation.js';
import { signOutEverywhere, forgetAllDevices } from '../../recovery/actions.js';
import type { RequestDeps } from '../../services.js';
import type { AccountFilter, AdminAccountRow } from '../../storage/postgres/account-admin.js';
import { exemptionInEffect } from '../../storage/postgres/twofa-exemptions.js';
import { actor, organisationScope, requireRole, type AdminPrincipal } from '../auth.js';
import { ApiError, notFound } from '../errors.js';
import type { userChange, userInput, userQuery } from '../user-schemas.js';

export type UserOpsDeps = RequestDeps;

/** Where a request came from, for the audit log. */
export interface RequestMeta {
  ip: string;
  userAgent: string;
}

/** The user if this principal may see it; a 404 otherwise. */
export async function visibleUser(deps: UserOpsDeps, p: AdminPrincipal, id: string): Promise<AdminAccountRow> {
  const found = await deps.accountAdmin.find(id);
  const own = organisationScope(p);
  if (!found || (own !== undefined && found.organisationId !== own)) throw notFound('user');
  return found;
}

/** The organisation a bulk action or a new user belongs to: an org admin's own, or the one given. */
export function organisationFor(p: AdminPrincipal, given: string | undefined, opts: { required: boolean }): string | undefined {
  const own = organisationScope(p);
  if (own !== undefined) {
    if (given !== undefined && given !== own) throw new ApiError(404, 'not_found', 'no such organisation');
    return own;
  }
  if (given === undefined && opts.required) throw new ApiError(400, 'invalid_request', 'organisation_id is required', {}, { organisation_id: ['required'] });
  return given;
}

/** The search filter as the repository takes it, or undefined when an org admin asks for another organisation (an empty page). */
export function userFilter(p: AdminPrincipal, q: z.infer<typeof userQuery>): AccountFilter | undefined {
  const own = organisationScope(p);
  if (own !== undefined && q.organisation_id !== undefined && q.organisation_id !== own) return undefined;
  return {
    q: q.q,
    organisationId: own ?? q.organisation_id,
    disabled: q.status === undefined ? undefined : q.status === 'disabled',
    emailVerified: q.email_verified === undefined ? undefined : q.email_verified === 'true',
    twoFactor: q.two_factor === 'exempt' ? undefined : q.two_factor,
    exempt: q.two_factor === 'exempt' ? true : undefined,
  };
}

/** A new account (no password) and its invitation e-mail, which sets the first password. */
export async function createUser(deps: UserOpsDeps, p: AdminPrincipal, input: z.infer<typeof userInput>, meta: RequestMeta) {
  if (input.roles.length) requireRole(p, 'admin');
  const organisationId = organisationFor(p, input.organisation_id, { required: true })!;
  if (!(await deps.organisations.findById(organisationId))) throw new ApiError(400, 'invalid_request', 'no such organisation', {}, { organisation_id: ['no such organisation'] });
  const account = await deps.accounts.save({ organisationId, email: input.email, name: input.name, emailVerified: input.email_verified, passwordHash: null });
  if (!account) throw new ApiError(409, 'conflict', `an account with e-mail ${input.email} already exists`);
  if (input.roles.length) await deps.roles.set(account.id, input.roles);
  await deps.audit.record({ type: 'account.created', accountId: account.id, ...meta, details: { ...actor(p), organisation: organisationId, roles: input.roles } });
  const invitation = await sendInvitation(deps, account, { by: actor(p) });
  return { user: (await deps.accountAdmin.find(account.id))!, invitation };
}

/** Rename, disable/enable (disabling signs out everywhere), roles (admin only). */
export async function changeUser(deps: UserOpsDeps, p: AdminPrincipal, user: AdminAccountRow, change: z.infer<typeof userChange>, meta: RequestMeta): Promise<AdminAccountRow> {
  if (change.roles !== undefined) requireRole(p, 'admin');
  if (change.name !== undefined) await deps.accountAdmin.rename(user.id, change.name);
  if (change.roles !== undefined) await deps.roles.set(user.id, change.roles);
  if (change.disabled !== undefined && change.disabled !== (user.disabledAt !== null)) {
    await deps.accountAdmin.setDisabled(user.id, change.disabled);
    // a disabled account is out at once: its sessions, grants and tokens end with it
    if (change.disabled) await signOutEverywhere(deps, user.id, 'signed_out_everywhere', meta);
  }
  await deps.audit.record({ type: 'account.updated', accountId: user.id, ...meta, details: { ...actor(p), change: { ...change, reason: undefined }, reason: change.reason } });
  return (await deps.accountAdmin.find(user.id))!;
}

export async function unlockUser(deps: UserOpsDeps, p: AdminPrincipal, user: AdminAccountRow, meta: RequestMeta): Promise<void> {
  await deps.regulator.unlock({ login: user.email.toLowerCase(), accountId: user.id });
  await deps.audit.record({ type: 'account.unlocked', accountId: user.id, ...meta, details: actor(p) });
}

export async function signOutUser(deps: UserOpsDeps, p: AdminPrincipal, user: AdminAccountRow, reason: string, meta: RequestMeta): Promise<void> {
  await signOutEverywhere(deps, user.id, 'signed_out_everywhere', meta);
  await deps.audit.record({ type: 'account.signed_out_everywhere', accountId: user.id, ...meta, details: { ...actor(p), reason } });
}

/** Forget every remembered device of a user: their next sign-in on each asks for the second factor (audited as device.forgotten). */
export async function forgetUserDevices(deps: UserOpsDeps, p: AdminPrincipal, user: AdminAccountRow, meta: RequestMeta): Promise<void> {
  await forgetAllDevices(deps, user.id, 'administrator', meta, actor(p));
}

/** The confirmation e-mail again (sendEmailConfirmation records it in the audit log). */
export async function resendConfirmation(deps: UserOpsDeps, user: AdminAccountRow, meta: RequestMeta): Promise<ConfirmationResult> {
  const account = (await deps.accounts.findById(user.id))!;
  return sendEmailConfirmation(deps, account, { ...meta, by: 'admin' });
}

/**
 * An administrator's 2FA reset: every second factor and recovery code removed, signed out
 * everywhere, devices forgotten; the user is told by e-mail (factor.reset), and where the
 * organisation requires 2FA they set a new factor up at their next sign-in (disableTwoFactor
 * exempts them from that instead).
 */
export async function resetTwoFactor(deps: UserOpsDeps, p: AdminPrincipal, accountId: string, reason: string, meta: RequestMeta, extra: Record<string, unknown> = {}): Promise<number> {
  const removed = await deps.factorResets.removeSecondFactors(accountId);
  await signOutEverywhere(deps, accountId, 'factor_reset', meta);
  await deps.audit.record({ type: 'factor.reset', accountId, ...meta, details: { ...actor(p), reason, removed, ...extra } });
  return removed;
}

/** When an exemption asked for ends: a moment in the future, or null (until an administrator ends it). */
function exemptionEnd(deps: UserOpsDeps, until: string | undefined): Date | null {
  if (until === undefined) return null;
  const at = new Date(until);
  if (Number.isNaN(at.getTime())) throw new ApiError(400, 'invalid_request', 'until is not a date and time', {}, { until: ['an ISO 8601 date and time, e.g. 2027-07-01T00:00:00Z'] });
  if (at.getTime() <= deps.clock.now()) throw new ApiError(400, 'invalid_request', 'until must be in the future', {}, { until: ['must be in the future'] });
  return at;
}

async function grantExemption(deps: UserOpsDeps, p: AdminPrincipal, accountId: string, reason: string, until: Date | null, meta: RequestMeta, extra: Record<string, unknown> = {}): Promise<number> {
  // the exemption before the factors go: a sign-in in between is not forced to enrol
  await deps.twoFactorExemptions.save({ accountId, until, reason, createdBy: actor(p) });
  const removed = await deps.factorResets.removeSecondFactors(accountId);
  await signOutEverywhere(deps, accountId, 'factor_reset', meta);
  // factor.disabled_by_admin e-mails the user (src/recovery/security-emails.ts)
  await deps.audit.record({ type: 'factor.disabled_by_admin', accountId, ...meta, details: { ...actor(p), reason, removed, until: until?.toISOString() ?? null, ...extra } });
  return removed;
}

/**
 * An administrator disables two-step verification for a user (Entra's per-user "disabled", an
 * Okta policy exception): removed and signed out as by a reset, and the account exempt from its
 * organisation's "required" policy until `until` (none: until endTwoFactorExemption). While
 * exempt, a sign-in without a factor completes with the password alone; a factor the user sets
 * up again is asked for as usual, and an app that demands one still gets one.
 */
export async function disableTwoFactor(
  deps: UserOpsDeps,
  p: AdminPrincipal,
  accountId: string,
  input: { reason: string; until?: string | undefined },
  meta: RequestMeta,
): Promise<{ removed: number; until: Date | null }> {
  const until = exemptionEnd(deps, input.until);
  return { removed: await grantExemption(deps, p, accountId, input.reason, until, meta), until };
}

/** Require two-step verification again: the organisation's policy applies from the next sign-in. False when the user was not exempt (an expired exemption is removed quietly). */
export async function endTwoFactorExemption(deps: UserOpsDeps, p: AdminPrincipal, accountId: string, meta: RequestMeta): Promise<boolean> {
  const ended = await deps.twoFactorExemptions.delete(accountId);
  if (!ended || !exemptionInEffect(ended, new Date(deps.clock.now()))) return false;
  await deps.audit.record({
    type: 'factor.exemption_ended',
    accountId,
    ...meta,
    details: { ...actor(p), until: ended.until?.toISOString() ?? null, grantedBy: ended.createdBy, grantedAt: ended.createdAt.toISOString() },
  });
  return true;
}

export interface BulkResult {
  dryRun: boolean;
  users: { id: string; email: string; outcome?: string }[];
}

/** Every unconfirmed, enabled user this principal sees (in one organisation, if given): who would get the e-mail, or send it. */
export async function bulkConfirmationEmails(deps: UserOpsDeps, p: AdminPrincipal, opts: { organisationId?: string | undefined; dryRun: boolean }, meta: RequestMeta): Promise<BulkResult> {
  const users = await deps.accountAdmin.all({ organisationId: organisationFor(p, opts.organisationId, { required: false }), emailVerified: false, disabled: false });
  const results: BulkResult['users'] = [];
  for (const user of users) {
    const outcome = opts.dryRun ? undefined : await sendEmailConfirmation(deps, (await deps.accounts.findById(user.id))!, { ...meta, by: 'admin' });
    results.push({ id: user.id, email: user.email, ...(outcome ? { outcome } : {}) });
  }
  if (!opts.dryRun) await deps.audit.record({ type: 'email.confirmation_sent', ...meta, details: { ...actor(p), bulk: true, count: users.length, organisation: opts.organisationId ?? null } });
  return { dryRun: opts.dryRun, users: results };
}

/** Every user of an organisation with a second factor: who would lose it, or reset them all (a reason is required). */
export async function bulkTwoFactorReset(
  deps: UserOpsDeps,
  p: AdminPrincipal,
  opts: { organisationId?: string | undefined; dryRun: boolean; reason?: string | undefined },
  meta: RequestMeta,
): Promise<BulkResult> {
  if (!opts.dryRun && !opts.reason) throw new ApiError(400, 'invalid_request', 'a reason is required', {}, { reason: ['required when dry_run is false'] });
  const organisationId = organisationFor(p, opts.organisationId, { required: true });
  const users = await deps.accountAdmin.all({ organisationId, twoFactor: 'enrolled' });
  const results: BulkResult['users'] = [];
  for (const user of users) {
    const removed = opts.dryRun ? undefined : await resetTwoFactor(deps, p, user.id, opts.reason!, meta, { bulk: true });
    results.push({ id: user.id, email: user.email, ...(removed !== undefined ? { outcome: `removed ${removed}` } : {}) });
  }
  return { dryRun: opts.dryRun, users: results };
}

/**
 * Every user of an organisation not exempt yet: who would have two-step verification disabled
 * (and be exempt from the organisation's required policy), or do it (a reason is required).
 */
export async function bulkTwoFactorDisable(
  deps: UserOpsDeps,
  p: AdminPrincipal,
  opts: { organisationId?: string | undefined; dryRun: boolean; reason?: string | undefined; until?: string | undefined },
  meta: RequestMeta,
): Promise<BulkResult> {
  if (!opts.dryRun && !opts.reason) throw new ApiError(400, 'invalid_request', 'a reason is required', {}, { reason: ['required when dry_run is false'] });
  const until = exemptionEnd(deps, opts.until);
  const organisationId = organisationFor(p, opts.organisationId, { required: true });
  const users = await deps.accountAdmin.all({ organisationId, exempt: false });
  const results: BulkResult['users'] = [];
  for (const user of users) {
    const removed = opts.dryRun ? undefined : await grantExemption(deps, p, user.id, opts.reason!, until, meta, { bulk: true });
    results.push({ id: user.id, email: user.email, ...(removed !== undefined ? { outcome: `removed ${removed}` } : {}) });
  }
  return { dryRun: opts.dryRun, users: results };
}
