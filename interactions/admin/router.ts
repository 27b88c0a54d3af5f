// The admin console at /admin: server-rendered pages for the everyday tasks — clients (admin
// only), organisations and their 2FA policy with enrolment progress, users and their 2FA status,
// bulk actions with their dry run, the audit log. Signed in with a second factor (auth.ts); every
// action goes through the same operations as the JSON API (src/admin/operations/), audited as
// by: console. Every form: CSRF, plain HTML, works without JavaScript.
import Router from '@koa/router';
import type { Context } from 'koa';
import type { AdminPrincipal } from '../../src/admin/auth.js';
import type { InteractionDeps } from '../context.js';
import { formBody } from '../router.js';
import { auditRoutes } from './audit.js';
import { requireConsoleAdmin } from './auth.js';
import { bulkRoutes } from './bulk.js';
import { clientRoutes } from './clients.js';
import { organisationRoutes } from './organisations.js';
import { showOverview } from './overview.js';
import { consoleErrors, consoleRequest, type ConsoleHandler, type ConsoleRoutes } from './page.js';
import { userRoutes } from './users.js';

export function createAdminConsole(deps: InteractionDeps) {
  const router = new Router({ prefix: '/admin' });
  const signedIn = (handler: ConsoleHandler) => async (ctx: Context) => {
    const p: AdminPrincipal | undefined = await requireConsoleAdmin(ctx, deps);
    if (p) await consoleErrors(ctx, deps, () => handler(consoleRequest(ctx, deps, p)));
  };
  const routes: ConsoleRoutes = {
    get: (path, handler) => router.get(path, signedIn(handler)),
    // CSRF first: a forged form gets the CSRF page, not a sign-in
    post: (path, handler) =>
      router.post(
        path,
        formBody,
        async (ctx, next) => {
          deps.csrf.verify(ctx, (ctx.request.body as Record<string, unknown> | undefined)?.['csrf']);
          await next();
        },
        signedIn(handler),
      ),
  };
  routes.get('/', showOverview);
  clientRoutes(routes);
  organisationRoutes(routes);
  userRoutes(routes);
  bulkRoutes(routes);
  auditRoutes(routes);
  return router;
}
