// /admin/v1/organisations: customer contracts and their two-step verification policy. An admin
// sees and changes every organisation; an org admin only their own (another one is a 404, not a
// 403: its existence is not theirs to learn). Only an admin creates organisations.
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { Organisation } from '../storage/postgres/organisations.js';
import { organisationScope, requireRole, type AdminPrincipal } from './auth.js';
import { parseBody } from './errors.js';
import { createOrganisation, policyView, updateOrganisation, visibleOrganisation, type OrganisationOpsDeps } from './operations/organisations.js';
import { organisationChange, organisationInput } from './organisation-schemas.js';
import { page, pageRequest } from './pagination.js';

export type OrganisationsApiDeps = OrganisationOpsDeps;

export function organisationView(o: Organisation) {
  const p = o.policy;
  return {
    id: o.id,
    slug: o.slug,
    name: o.name,
    created_at: o.createdAt.toISOString(),
    policy: policyView(p),
  };
}

export function organisationRoutes(router: Router, deps: OrganisationsApiDeps, principal: (ctx: Context) => AdminPrincipal) {
  router.get('/organisations', async (ctx) => {
    const p = principal(ctx);
    const req = pageRequest(ctx.query);
    const rows = await deps.organisations.page({ after: req.after, limit: req.limit + 1, only: organisationScope(p) });
    ctx.body = page(rows, req, (o) => o.slug, organisationView);
  });

  router.post('/organisations', async (ctx) => {
    const p = principal(ctx);
    requireRole(p, 'admin');
    const org = await createOrganisation(deps, p, parseBody(organisationInput, ctx.request.body));
    ctx.status = 201;
    ctx.set('location', `/admin/v1/organisations/${org.id}`);
    ctx.body = organisationView(org);
  });

  router.get('/organisations/:organisationId', async (ctx) => {
    ctx.body = organisationView(await visibleOrganisation(deps, principal(ctx), ctx.params['organisationId'] as string));
  });

  router.patch('/organisations/:organisationId', async (ctx) => {
    const change = parseBody(organisationChange, ctx.request.body);
    ctx.body = organisationView(await updateOrganisation(deps, principal(ctx), ctx.params['organisationId'] as string, change));
  });
}
