// /admin/v1/organisations: customer contracts and their two-step verification policy. An admin
// sees and changes every organisation; an org admin only their own (another one is a 404, not a
// 403: its existence is not theirs to learn). Only an admin creates organisations.
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { AuditLog } from '../storage/postgres/audit.js';
import type { Organisation, OrganisationsRepo, TwoFactorPolicy } from '../storage/postgres/organisations.js';
import { actor, organisationScope, requireRole, type AdminPrincipal } from './auth.js';
import { ApiError, notFound, parseBody } from './errors.js';
import { organisationChange, organisationInput, type policyInput } from './organisation-schemas.js';
import { page, pageRequest } from './pagination.js';
import type { z } from 'zod';

export interface OrganisationsApiDeps {
  organisations: OrganisationsRepo;
  audit: AuditLog;
}

export function organisationView(o: Organisation) {
  const p = o.policy;
  return {
    id: o.id,
    slug: o.slug,
    name: o.name,
    created_at: o.createdAt.toISOString(),
    policy: {
      mode: p.mode,
      allowed_methods: p.allowedMethods,
      one_code_method: p.oneCodeMethod,
      mandatory_from: p.mandatoryFrom?.toISOString() ?? null,
      remember_device_days: p.rememberDeviceDays,
      remember_ip_rule: p.rememberIpRule,
      reset_cooloff_seconds: p.resetCooloffSeconds,
      logout_after_activation: p.logoutAfterActivation,
    },
  };
}

function policyChange(input: z.infer<typeof policyInput>): Partial<TwoFactorPolicy> {
  const change: Partial<TwoFactorPolicy> = {};
  if (input.mode !== undefined) change.mode = input.mode;
  if (input.allowed_methods !== undefined) change.allowedMethods = [...new Set(input.allowed_methods)];
  if (input.one_code_method !== undefined) change.oneCodeMethod = input.one_code_method;
  if (input.mandatory_from !== undefined) change.mandatoryFrom = input.mandatory_from === null ? null : new Date(input.mandatory_from);
  if (input.remember_device_days !== undefined) change.rememberDeviceDays = input.remember_device_days;
  if (input.remember_ip_rule !== undefined) change.rememberIpRule = input.remember_ip_rule;
  if (input.reset_cooloff_seconds !== undefined) change.resetCooloffSeconds = input.reset_cooloff_seconds;
  if (input.logout_after_activation !== undefined) change.logoutAfterActivation = input.logout_after_activation;
  return change;
}

export function organisationRoutes(router: Router, deps: OrganisationsApiDeps, principal: (ctx: Context) => AdminPrincipal) {
  /** The organisation if this principal may see it; a 404 otherwise. */
  async function visible(ctx: Context, p: AdminPrincipal): Promise<Organisation> {
    const only = organisationScope(p);
    const id = ctx.params['organisationId'] as string;
    const found = only === undefined || only === id ? await deps.organisations.findById(id) : undefined;
    if (!found) throw notFound('organisation');
    return found;
  }

  router.get('/organisations', async (ctx) => {
    const p = principal(ctx);
    const req = pageRequest(ctx.query);
    const rows = await deps.organisations.page({ after: req.after, limit: req.limit + 1, only: organisationScope(p) });
    ctx.body = page(rows, req, (o) => o.slug, organisationView);
  });

  router.post('/organisations', async (ctx) => {
    const p = principal(ctx);
    requireRole(p, 'admin');
    const input = parseBody(organisationInput, ctx.request.body);
    if (await deps.organisations.findBySlug(input.slug)) throw new ApiError(409, 'conflict', `an organisation with slug ${input.slug} already exists`);
    let org = await deps.organisations.save({ slug: input.slug, name: input.name });
    if (input.policy) org = (await deps.organisations.savePolicy(org.id, policyChange(input.policy))) ?? org;
    await deps.audit.record({ type: 'organisation.created', details: { ...actor(p), organisation: org.id, slug: org.slug } });
    ctx.status = 201;
    ctx.set('location', `/admin/v1/organisations/${org.id}`);
    ctx.body = organisationView(org);
  });

  router.get('/organisations/:organisationId', async (ctx) => {
    ctx.body = organisationView(await visible(ctx, principal(ctx)));
  });

  router.patch('/organisations/:organisationId', async (ctx) => {
    const p = principal(ctx);
    const change = parseBody(organisationChange, ctx.request.body);
    let org = await visible(ctx, p);
    if (change.name !== undefined) org = (await deps.organisations.rename(org.id, change.name)) ?? org;
    if (change.policy) org = (await deps.organisations.savePolicy(org.id, policyChange(change.policy))) ?? org;
    await deps.audit.record({ type: 'organisation.updated', details: { ...actor(p), organisation: org.id, name: change.name !== undefined, policy: change.policy ?? {} } });
    ctx.body = organisationView(org);
  });
}
