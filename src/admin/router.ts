// The admin API under /admin/v1: JSON in and out, Bearer tokens this provider issued (auth.ts),
// errors in one shape (errors.ts), the OpenAPI document at /admin/v1/openapi.json.
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import compose from 'koa-compose';
import type { Context, Middleware, Next } from 'koa';
import type { RequestDeps } from '../services.js';
import { authenticateAdmin, type AdminPrincipal } from './auth.js';
import { clientRoutes } from './clients.js';
import { ApiError, apiErrors } from './errors.js';
import { auditRoutes } from './audit.js';
import { openApiDocument } from './openapi.js';
import { organisationRoutes } from './organisations.js';
import { userRoutes } from './users.js';

export type AdminApiDeps = RequestDeps;

export const adminPrefix = '/admin/v1';

const jsonBody = bodyParser({ enableTypes: ['json'], jsonLimit: '64kb', encoding: 'utf-8' });

/** A write must be JSON: anything else is a 415 that says so, not an empty body. */
async function requireJson(ctx: Context, next: Next) {
  if (['POST', 'PUT', 'PATCH'].includes(ctx.method) && ctx.request.length && !ctx.is('application/json')) {
    throw new ApiError(415, 'unsupported_media_type', 'send the body as application/json');
  }
  return next();
}

/** Everything under /admin/v1: the routes, JSON errors for all of them, and a JSON 404 for the rest. */
export function createAdminApi(deps: AdminApiDeps): Middleware {
  const router = createAdminRouter(deps);
  return compose([
    apiErrors(deps.log),
    router.routes(),
    async (ctx: Context) => {
      // reached only when no route answered: a known path with another method is a 405
      const { path } = router.match(ctx.path, ctx.method);
      const allow = [...new Set(path.flatMap((layer) => layer.methods))].filter((m) => m !== 'HEAD');
      if (allow.length) throw new ApiError(405, 'method_not_allowed', `${ctx.method} is not allowed here; use ${allow.join(', ')}`, { allow: allow.join(', ') });
      throw new ApiError(404, 'not_found', `no route ${ctx.method} ${ctx.path}`);
    },
  ]) as Middleware;
}

function createAdminRouter(deps: AdminApiDeps) {
  const router = new Router({ prefix: adminPrefix });
  const document = openApiDocument(deps.config.issuer);
  const principal = (ctx: Context): AdminPrincipal => ctx.state['admin'] as AdminPrincipal;

  router.get('/openapi.json', (ctx) => {
    ctx.body = document;
  });
  router.use(async (ctx, next) => {
    ctx.state['admin'] = await authenticateAdmin(ctx, deps);
    ctx.set('cache-control', 'no-store');
    return next();
  });
  router.use(requireJson, jsonBody);
  clientRoutes(router, deps, principal);
  organisationRoutes(router, deps, principal);
  auditRoutes(router, deps, principal);
  userRoutes(router, deps, principal);
  return router;
}
