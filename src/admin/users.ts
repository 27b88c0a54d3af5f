// /admin/v1/users: accounts as administrators manage them. An admin sees every organisation; an
// org admin only their own — a user of another organisation is a 404, as if it did not exist.
// Every change is audited with who made it (and why, where a reason is asked). The operations
// themselves are in operations/users.ts, shared with the console.
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { RequestDeps } from '../services.js';
import type { AdminAccountRow } from '../storage/postgres/account-admin.js';
import type { AdminPrincipal } from './auth.js';
import { ApiError, fieldErrors, parseBody } from './errors.js';
import {
  bulkConfirmationEmails,
  bulkTwoFactorDisable,
  bulkTwoFactorReset,
  changeUser,
  createUser,
  disableTwoFactor,
  endTwoFactorExemption,
  forgetUserDevices,
  resendConfirmation,
  resetTwoFactor,
  signOutUser,
  unlockUser,
  userFilter,
  visibleUser,
} from './operations/users.js';
import { page, pageRequest } from './pagination.js';
import { bulkBody, bulkDisableBody, disableTwoFactorBody, reasonBody, userChange, userInput, userQuery } from './user-schemas.js';

export type UsersApiDeps = RequestDeps;

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
    two_factor_exempt: a.exempt,
    two_factor_exempt_until: a.exempt ? (a.exemptUntil?.toISOString() ?? null) : null,
    roles: a.roles,
    created_at: a.createdAt.toISOString(),
  };
}

export function userRoutes(router: Router, deps: UsersApiDeps, principal: (ctx: Context) => AdminPrincipal) {
  const visible = (ctx: Context, p: AdminPrincipal) => visibleUser(deps, p, ctx.params['userId'] as string);
  const context = (ctx: Context) => ({ ip: ctx.ip, userAgent: ctx.get('user-agent') });

  router.get('/users', async (ctx) => {
    const p = principal(ctx);
    const { limit: _l, cursor: _c, ...filters } = ctx.query;
    const parsed = userQuery.safeParse(filters);
    if (!parsed.success) throw new ApiError(400, 'invalid_request', 'invalid filter', {}, fieldErrors(parsed.error));
    const req = pageRequest({ limit: ctx.query['limit'], cursor: ctx.query['cursor'] });
    const filter = userFilter(p, parsed.data);
    if (!filter) {
      ctx.body = { items: [], next_cursor: null };
      return;
    }
    const rows = await deps.accountAdmin.page(filter, { after: req.after, limit: req.limit + 1 });
    ctx.body = page(rows, req, (a) => a.email.toLowerCase(), userView);
  });

  router.post('/users', async (ctx) => {
    const p = principal(ctx);
    const input = parseBody(userInput, ctx.request.body);
    const { user, invitation } = await createUser(deps, p, input, context(ctx));
    ctx.status = 201;
    ctx.set('location', `/admin/v1/users/${user.id}`);
    ctx.body = { ...userView(user), invitation };
  });

  // bulk actions: a dry run (the default) lists who would be affected; the real run does it
  router.post('/users/bulk/confirmation-emails', async (ctx) => {
    const body = parseBody(bulkBody, ctx.request.body ?? {});
    const result = await bulkConfirmationEmails(deps, principal(ctx), { organisationId: body.organisation_id, dryRun: body.dry_run }, context(ctx));
    ctx.body = { dry_run: result.dryRun, count: result.users.length, users: result.users };
  });

  router.post('/users/bulk/two-factor/reset', async (ctx) => {
    const body = parseBody(bulkBody, ctx.request.body ?? {});
    const result = await bulkTwoFactorReset(deps, principal(ctx), { organisationId: body.organisation_id, dryRun: body.dry_run, reason: body.reason }, context(ctx));
    ctx.body = { dry_run: result.dryRun, count: result.users.length, users: result.users };
  });

  router.post('/users/bulk/two-factor/disable', async (ctx) => {
    const body = parseBody(bulkDisableBody, ctx.request.body ?? {});
    const result = await bulkTwoFactorDisable(deps, principal(ctx), { organisationId: body.organisation_id, dryRun: body.dry_run, reason: body.reason, until: body.until }, context(ctx));
    ctx.body = { dry_run: result.dryRun, count: result.users.length, users: result.users };
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
    ctx.body = userView(await changeUser(deps, p, user, change, context(ctx)));
  });

  router.post('/users/:userId/unlock', async (ctx) => {
    const p = principal(ctx);
    await unlockUser(deps, p, await visible(ctx, p), context(ctx));
    ctx.status = 204;
  });

  router.post('/users/:userId/sign-out', async (ctx) => {
    const p = principal(ctx);
    const user = await visible(ctx, p);
    const { reason } = parseBody(reasonBody, ctx.request.body ?? {});
    await signOutUser(deps, p, user, reason, context(ctx));
    ctx.status = 204;
  });

  router.post('/users/:userId/devices/forget', async (ctx) => {
    const p = principal(ctx);
    const user = await visible(ctx, p);
    await forgetUserDevices(deps, p, user, context(ctx));
    ctx.status = 204;
  });

  router.post('/users/:userId/confirmation-email', async (ctx) => {
    const user = await visible(ctx, principal(ctx));
    const result = await resendConfirmation(deps, user, context(ctx));
    if (result === 'already_confirmed') throw new ApiError(409, 'conflict', 'the e-mail address is already confirmed');
    if (result === 'too_many') throw new ApiError(429, 'too_many_requests', 'this user was sent several links in the last hour; try again later');
    if (result === 'delivery_failed') throw new ApiError(502, 'delivery_failed', 'the e-mail could not be handed to the mail server; check SMTP_URL');
    ctx.body = { outcome: result };
  });

  router.post('/users/:userId/two-factor/reset', async (ctx) => {
    const p = principal(ctx);
    const user = await visible(ctx, p);
    const { reason } = parseBody(reasonBody, ctx.request.body);
    ctx.body = { removed: await resetTwoFactor(deps, p, user.id, reason, context(ctx)) };
  });

  // disable = reset + an exemption from the organisation's required policy; ended by DELETE …/exemption
  router.post('/users/:userId/two-factor/disable', async (ctx) => {
    const p = principal(ctx);
    const user = await visible(ctx, p);
    const input = parseBody(disableTwoFactorBody, ctx.request.body ?? {});
    const { removed, until } = await disableTwoFactor(deps, p, user.id, input, context(ctx));
    ctx.body = { removed, two_factor_exempt_until: until?.toISOString() ?? null };
  });

  router.delete('/users/:userId/two-factor/exemption', async (ctx) => {
    const p = principal(ctx);
    const user = await visible(ctx, p);
    if (!(await endTwoFactorExemption(deps, p, user.id, context(ctx)))) throw new ApiError(409, 'conflict', 'this user is not exempt from two-step verification');
    ctx.status = 204;
  });
}
