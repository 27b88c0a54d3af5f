// /admin/v1/users: accounts as administrators manage them. An admin sees every organisation; an
// org admin only their own — a user of another organisation is a 404, as if it did not exist.
// Every change is audited with who made it (and why, where a reason is asked).
import type Router from '@koa/router';
import type { Context } from 'koa';
import { sendEmailConfirmation } from '../../interactions/recovery/confirm-email.js';
import { sendInvitation } from '../../interactions/recovery/invitation.js';
import { signOutEverywhere, forgetAllDevices } from '../../interactions/recovery/actions.js';
import type { InteractionDeps } from '../../interactions/context.js';
import type { AdminAccountRow } from '../storage/postgres/account-admin.js';
import { actor, organisationScope, requireRole, type AdminPrincipal } from './auth.js';
import { ApiError, fieldErrors, notFound, parseBody } from './errors.js';
import { page, pageRequest } from './pagination.js';
import { bulkBody, reasonBody, userChange, userInput, userQuery } from './user-schemas.js';

export type UsersApiDeps = InteractionDeps;

export function userView(a: AdminAccountRow) {
  return {
    id: a.id,
    email: a.email,
    name: a.name,
    organisation_id: a.organisationId,
    email_verified: a.emailVerified,
    disabled: a.disabledAt !== null,
    password_set: a.hasPassword,
    two_factor: a.factorCount > 0,
    roles: a.roles,
    created_at: a.createdAt.toISOString(),
  };
}

export function userRoutes(router: Router, deps: UsersApiDeps, principal: (ctx: Context) => AdminPrincipal) {
  /** The user if this principal may see it; a 404 otherwise. */
  async function visible(ctx: Context, p: AdminPrincipal): Promise<AdminAccountRow> {
    const found = await deps.accountAdmin.find(ctx.params['userId'] as string);
    const own = organisationScope(p);
    if (!found || (own !== undefined && found.organisationId !== own)) throw notFound('user');
    return found;
  }

  /** The organisation a bulk action or a new user belongs to: an org admin's own, or the one given. */
  function organisationFor(p: AdminPrincipal, given: string | undefined, opts: { required: boolean }): string | undefined {
    const own = organisationScope(p);
    if (own !== undefined) {
      if (given !== undefined && given !== own) throw new ApiError(404, 'not_found', 'no such organisation');
      return own;
    }
    if (given === undefined && opts.required) throw new ApiError(400, 'invalid_request', 'organisation_id is required', {}, { organisation_id: ['required'] });
    return given;
  }

  const context = (ctx: Context) => ({ ip: ctx.ip, userAgent: ctx.get('user-agent') });

  router.get('/users', async (ctx) => {
    const p = principal(ctx);
    const { limit: _l, cursor: _c, ...filters } = ctx.query;
    const parsed = userQuery.safeParse(filters);
    if (!parsed.success) throw new ApiError(400, 'invalid_request', 'invalid filter', {}, fieldErrors(parsed.error));
    const q = parsed.data;
    const req = pageRequest({ limit: ctx.query['limit'], cursor: ctx.query['cursor'] });
    const own = organisationScope(p);
    if (own !== undefined && q.organisation_id !== undefined && q.organisation_id !== own) {
      ctx.body = { items: [], next_cursor: null };
      return;
    }
    const rows = await deps.accountAdmin.page(
      {
        q: q.q,
        organisationId: own ?? q.organisation_id,
        disabled: q.status === undefined ? undefined : q.status === 'disabled',
        emailVerified: q.email_verified === undefined ? undefined : q.email_verified === 'true',
        twoFactor: q.two_factor,
      },
      { after: req.after, limit: req.limit + 1 },
    );
    ctx.body = page(rows, req, (a) => a.email.toLowerCase(), userView);
  });

  router.post('/users', async (ctx) => {
    const p = principal(ctx);
    const input = parseBody(userInput, ctx.request.body);
    if (input.roles.length) requireRole(p, 'admin');
    const organisationId = organisationFor(p, input.organisation_id, { required: true })!;
    if (!(await deps.organisations.findById(organisationId))) throw new ApiError(400, 'invalid_request', 'no such organisation', {}, { organisation_id: ['no such organisation'] });
    const account = await deps.accounts.save({ organisationId, email: input.email, name: input.name, emailVerified: input.email_verified, passwordHash: null });
    if (!account) throw new ApiError(409, 'conflict', `an account with e-mail ${input.email} already exists`);
    if (input.roles.length) await deps.roles.set(account.id, input.roles);
    await deps.audit.record({ type: 'account.created', accountId: account.id, ...context(ctx), details: { ...actor(p), organisation: organisationId, roles: input.roles } });
    const invitation = await sendInvitation(deps, account, { by: actor(p) });
    ctx.status = 201;
    ctx.set('location', `/admin/v1/users/${account.id}`);
    ctx.body = { ...userView((await deps.accountAdmin.find(account.id))!), invitation };
  });

  // bulk actions: a dry run (the default) lists who would be affected; the real run does it
  router.post('/users/bulk/confirmation-emails', async (ctx) => {
    const p = principal(ctx);
    const body = parseBody(bulkBody, ctx.request.body ?? {});
    const users = await deps.accountAdmin.all({ organisationId: organisationFor(p, body.organisation_id, { required: false }), emailVerified: false, disabled: false });
    const results = [];
    for (const user of users) {
      const outcome = body.dry_run ? undefined : await sendEmailConfirmation(deps, (await deps.accounts.findById(user.id))!, { ...context(ctx), by: 'admin' });
      results.push({ id: user.id, email: user.email, ...(outcome ? { outcome } : {}) });
    }
    if (!body.dry_run) await deps.audit.record({ type: 'email.confirmation_sent', ...context(ctx), details: { ...actor(p), bulk: true, count: users.length, organisation: body.organisation_id ?? null } });
    ctx.body = { dry_run: body.dry_run, count: results.length, users: results };
  });

  router.post('/users/bulk/two-factor/reset', async (ctx) => {
    const p = principal(ctx);
    const body = parseBody(bulkBody, ctx.request.body ?? {});
    if (!body.dry_run && !body.reason) throw new ApiError(400, 'invalid_request', 'a reason is required', {}, { reason: ['required when dry_run is false'] });
    const organisationId = organisationFor(p, body.organisation_id, { required: true });
    const users = await deps.accountAdmin.all({ organisationId, twoFactor: 'enrolled' });
    const results = [];
    for (const user of users) {
      const removed = body.dry_run ? undefined : await resetTwoFactor(deps, ctx, p, user.id, body.reason!, { bulk: true });
      results.push({ id: user.id, email: user.email, ...(removed !== undefined ? { outcome: `removed ${removed}` } : {}) });
    }
    ctx.body = { dry_run: body.dry_run, count: results.length, users: results };
  });

  router.get('/users/:userId', async (ctx) => {
    const user = await visible(ctx, principal(ctx));
    const [factors, unused, devices] = await Promise.all([deps.factors.findByAccount(user.id), deps.recoveryCodes.countUnused(user.id), deps.devices.list(user.id)]);
    ctx.body = {
      ...userView(user),
      factors: factors.map((f) => ({ id: f.id, kind: f.kind, label: f.label, created_at: f.createdAt.toISOString(), last_used_at: f.lastUsedAt?.toISOString() ?? null })),
      unused_recovery_codes: unused,
      remembered_devices: devices.length,
    };
  });

  router.patch('/users/:userId', async (ctx) => {
    const p = principal(ctx);
    const user = await visible(ctx, p);
    const change = parseBody(userChange, ctx.request.body);
    if (change.roles !== undefined) requireRole(p, 'admin');
    if (change.name !== undefined) await deps.accountAdmin.rename(user.id, change.name);
    if (change.roles !== undefined) await deps.roles.set(user.id, change.roles);
    if (change.disabled !== undefined && change.disabled !== (user.disabledAt !== null)) {
      await deps.accountAdmin.setDisabled(user.id, change.disabled);
      // a disabled account is out at once: its sessions, grants and tokens end with it
      if (change.disabled) await signOutEverywhere(deps, user.id, 'signed_out_everywhere', context(ctx));
    }
    await deps.audit.record({ type: 'account.updated', accountId: user.id, ...context(ctx), details: { ...actor(p), change: { ...change, reason: undefined }, reason: change.reason } });
    ctx.body = userView((await deps.accountAdmin.find(user.id))!);
  });

  router.post('/users/:userId/unlock', async (ctx) => {
    const p = principal(ctx);
    const user = await visible(ctx, p);
    await deps.regulator.unlock({ login: user.email.toLowerCase(), accountId: user.id });
    await deps.audit.record({ type: 'account.unlocked', accountId: user.id, ...context(ctx), details: actor(p) });
    ctx.status = 204;
  });

  router.post('/users/:userId/sign-out', async (ctx) => {
    const p = principal(ctx);
    const user = await visible(ctx, p);
    const { reason } = parseBody(reasonBody, ctx.request.body ?? {});
    await signOutEverywhere(deps, user.id, 'signed_out_everywhere', context(ctx));
    await deps.audit.record({ type: 'account.signed_out_everywhere', accountId: user.id, ...context(ctx), details: { ...actor(p), reason } });
    ctx.status = 204;
  });

  router.post('/users/:userId/devices/forget', async (ctx) => {
    const p = principal(ctx);
    const user = await visible(ctx, p);
    await forgetAllDevices(deps, user.id, 'signed_out_everywhere', context(ctx));
    ctx.status = 204;
  });

  router.post('/users/:userId/confirmation-email', async (ctx) => {
    const p = principal(ctx);
    const user = await visible(ctx, p);
    const account = (await deps.accounts.findById(user.id))!;
    const result = await sendEmailConfirmation(deps, account, { ...context(ctx), by: 'admin' });
    if (result === 'already_confirmed') throw new ApiError(409, 'conflict', 'the e-mail address is already confirmed');
    if (result === 'too_many') throw new ApiError(429, 'too_many_requests', 'this user was sent several links in the last hour; try again later');
    if (result === 'delivery_failed') throw new ApiError(502, 'delivery_failed', 'the e-mail could not be handed to the mail server; check SMTP_URL');
    ctx.body = { outcome: result };
  });

  router.post('/users/:userId/two-factor/reset', async (ctx) => {
    const p = principal(ctx);
    const user = await visible(ctx, p);
    const { reason } = parseBody(reasonBody, ctx.request.body);
    ctx.body = { removed: await resetTwoFactor(deps, ctx, p, user.id, reason) };
  });

}

/**
 * An administrator's 2FA reset (or "disable"): every second factor and recovery code removed,
 * signed out everywhere, devices forgotten; the user is told by e-mail (factor.reset), and where
 * the organisation requires 2FA they set a new factor up at their next sign-in.
 */
async function resetTwoFactor(deps: UsersApiDeps, ctx: Context, p: AdminPrincipal, accountId: string, reason: string, extra: Record<string, unknown> = {}): Promise<number> {
  const removed = await deps.factorResets.removeSecondFactors(accountId);
  await signOutEverywhere(deps, accountId, 'factor_reset', { ip: ctx.ip, userAgent: ctx.get('user-agent') });
  await deps.audit.record({ type: 'factor.reset', accountId, ip: ctx.ip, userAgent: ctx.get('user-agent'), details: { ...actor(p), reason, removed, ...extra } });
  return removed;
}
