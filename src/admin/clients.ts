// /admin/v1/clients: the relying-party apps. Only the admin role (clients are not owned by an
// organisation). Every change goes through the clients repository, which announces it to every
// replica (Postgres NOTIFY), so it is in effect everywhere without a restart. The operations are
// in operations/clients.ts, shared with the console.
import type Router from '@koa/router';
import type { Context } from 'koa';
import { requireRole, type AdminPrincipal } from './auth.js';
import { clientChange, clientInput } from './client-schemas.js';
import { parseBody } from './errors.js';
import { clientView, createClient, deleteClient, findClient, rotateClientSecret, updateClient, type ClientOpsDeps } from './operations/clients.js';
import { page, pageRequest } from './pagination.js';

export { clientView };
export type ClientsApiDeps = ClientOpsDeps;

export function clientRoutes(router: Router, deps: ClientsApiDeps, principal: (ctx: Context) => AdminPrincipal) {
  router.get('/clients', async (ctx) => {
    requireRole(principal(ctx), 'admin');
    const req = pageRequest(ctx.query);
    const rows = await deps.clients.page({ after: req.after, limit: req.limit + 1 });
    ctx.body = page(rows, req, (r) => r.clientId, clientView);
  });

  router.post('/clients', async (ctx) => {
    const p = principal(ctx);
    requireRole(p, 'admin');
    const input = parseBody(clientInput, ctx.request.body);
    const { saved, secret } = await createClient(deps, p, input);
    ctx.status = 201;
    ctx.set('location', `/admin/v1/clients/${encodeURIComponent(saved.clientId)}`);
    ctx.body = { ...clientView(saved), ...(secret ? { client_secret: secret } : {}) };
  });

  router.get('/clients/:clientId', async (ctx) => {
    ctx.body = clientView(await findClient(deps, principal(ctx), ctx.params['clientId']!));
  });

  router.patch('/clients/:clientId', async (ctx) => {
    const p = principal(ctx);
    requireRole(p, 'admin');
    const change = parseBody(clientChange, ctx.request.body);
    const { saved, secret } = await updateClient(deps, p, ctx.params['clientId']!, change);
    ctx.body = { ...clientView(saved), ...(secret ? { client_secret: secret } : {}) };
  });

  router.post('/clients/:clientId/secret', async (ctx) => {
    const { saved, secret } = await rotateClientSecret(deps, principal(ctx), ctx.params['clientId']!);
    ctx.body = { ...clientView(saved), client_secret: secret };
  });

  router.delete('/clients/:clientId', async (ctx) => {
    await deleteClient(deps, principal(ctx), ctx.params['clientId']!);
    ctx.status = 204;
  });
}
