// Console: the relying-party apps (admin only — an org admin gets the 403 page). List, create
// (the secret shown once), edit, rotate the secret (shown once), delete after a confirmation.
// The work is src/admin/operations/clients.ts, the same as POST/PATCH/DELETE /admin/v1/clients.
import { requireRole } from '../../src/admin/auth.js';
import { clientChange, clientInput } from '../../src/admin/client-schemas.js';
import { parseBody } from '../../src/admin/errors.js';
import { clientView, createClient, deleteClient, findClient, rotateClientSecret, updateClient } from '../../src/admin/operations/clients.js';
import { page, pageRequest } from '../../src/admin/pagination.js';
import type { ClientRecord } from '../../src/storage/postgres/clients.js';
import { field, formError, formErrors, formOf, lines, redirectDone, renderConsole, type ConsoleRequest, type ConsoleRoutes } from './page.js';

const param = (c: ConsoleRequest) => String(c.ctx.params['clientId'] ?? '');

/** The form's values as the API's input (checkboxes: present or not). */
function inputFromForm(c: ConsoleRequest, current?: ClientRecord) {
  const form = formOf(c.ctx);
  const machine = field(form, 'client_credentials') === 'on';
  const currentGrants = current ? clientView(current).grant_types : [];
  const grants = machine ? ['client_credentials'] : currentGrants.length && !currentGrants.includes('client_credentials') ? currentGrants : undefined;
  return {
    client_name: field(form, 'client_name'),
    redirect_uris: lines(field(form, 'redirect_uris')),
    post_logout_redirect_uris: lines(field(form, 'post_logout_redirect_uris')),
    grant_types: grants,
    token_endpoint_auth_method: field(form, 'public') === 'on' ? 'none' : 'client_secret_basic',
    first_party: field(form, 'party') !== 'third',
    require_mfa: field(form, 'require_mfa') === 'on',
    admin_api: field(form, 'admin_api') === 'on',
  };
}

/** What the form shows: a stored client, or what was typed (after an error). */
function formValues(v: ReturnType<typeof inputFromForm> | ReturnType<typeof clientView>) {
  return {
    client_name: v.client_name,
    redirect_uris: v.redirect_uris.join('\n'),
    post_logout_redirect_uris: v.post_logout_redirect_uris.join('\n'),
    third_party: !v.first_party,
    public: v.token_endpoint_auth_method === 'none',
    client_credentials: (v.grant_types ?? []).includes('client_credentials'),
    require_mfa: v.require_mfa,
    admin_api: v.admin_api,
  };
}

const admin = (c: ConsoleRequest) => requireRole(c.p, 'admin');

export function clientRoutes(routes: ConsoleRoutes): void {
  routes.get('/clients', async (c) => {
    admin(c);
    const req = pageRequest({ cursor: c.ctx.query['cursor'] || undefined, limit: 50 });
    const rows = await c.deps.clients.page({ after: req.after, limit: req.limit + 1 });
    const result = page(rows, req, (r) => r.clientId, clientView);
    renderConsole(c, 'admin-clients', c.tr.t('admin_console.clients_title'), { clients: result.items, next: result.next_cursor ? `/admin/clients?cursor=${result.next_cursor}` : undefined });
  });

  routes.get('/clients/new', async (c) => {
    admin(c);
    renderConsole(c, 'admin-client-form', c.tr.t('admin_console.client_new_title'), {
      action: '/admin/clients',
      values: formValues({ ...inputFromForm(c), client_name: '', first_party: true, token_endpoint_auth_method: 'client_secret_basic' }),
      errors: [],
    });
  });

  routes.post('/clients', async (c) => {
    admin(c);
    const typed = inputFromForm(c);
    try {
      const { saved, secret } = await createClient(c.deps, c.p, parseBody(clientInput, typed));
      showSecret(c, saved, secret, 'created');
    } catch (caught) {
      const err = formError(caught);
      renderConsole(c, 'admin-client-form', c.tr.t('admin_console.client_new_title'), { action: '/admin/clients', values: formValues(typed), errors: formErrors(c.tr, err) }, 400);
    }
  });

  routes.get('/clients/:clientId', async (c) => {
    const found = await findClient(c.deps, c.p, param(c));
    const view = clientView(found);
    renderConsole(c, 'admin-client-form', view.client_name, {
      action: `/admin/clients/${encodeURIComponent(found.clientId)}`,
      client: view,
      hasSecret: found.hasSecret,
      values: formValues(view),
      errors: [],
    });
  });

  routes.post('/clients/:clientId', async (c) => {
    const found = await findClient(c.deps, c.p, param(c));
    const typed = inputFromForm(c, found);
    try {
      const { saved, secret } = await updateClient(c.deps, c.p, found.clientId, parseBody(clientChange, typed));
      if (secret) showSecret(c, saved, secret, 'saved');
      else redirectDone(c.ctx, `/admin/clients/${encodeURIComponent(found.clientId)}`, 'saved');
    } catch (caught) {
      const err = formError(caught);
      const view = clientView(found);
      renderConsole(
        c,
        'admin-client-form',
        view.client_name,
        { action: `/admin/clients/${encodeURIComponent(found.clientId)}`, client: view, hasSecret: found.hasSecret, values: formValues(typed), errors: formErrors(c.tr, err) },
        400,
      );
    }
  });

  routes.post('/clients/:clientId/secret', async (c) => {
    const { saved, secret } = await rotateClientSecret(c.deps, c.p, param(c));
    showSecret(c, saved, secret, 'rotated');
  });

  routes.get('/clients/:clientId/delete', async (c) => {
    const view = clientView(await findClient(c.deps, c.p, param(c)));
    renderConsole(c, 'admin-client-delete', c.tr.t('admin_console.client_delete_title', { name: view.client_name }), { client: view });
  });

  routes.post('/clients/:clientId/delete', async (c) => {
    await deleteClient(c.deps, c.p, param(c));
    redirectDone(c.ctx, '/admin/clients', 'deleted');
  });
}

/** The secret, once: it is stored only hashed, so this page is the only place it is ever shown. */
function showSecret(c: ConsoleRequest, saved: ClientRecord, secret: string | null, what: 'created' | 'saved' | 'rotated'): void {
  c.ctx.set('cache-control', 'no-store');
  renderConsole(c, 'admin-client-secret', c.tr.t(`admin_console.client_secret_title_${what}`), { client: clientView(saved), secret });
}
