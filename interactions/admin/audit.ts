// Console: the audit log, newest first, filtered by user (e-mail address or id), organisation,
// event type and time range, in pages. An org admin sees their own organisation's events only.
// Each event is a sentence with who did it, why and from where (describe-event.ts); the JSON
// stays in the admin API (/admin/v1/audit).
import { organisationScope } from '../../src/admin/auth.js';
import { page, pageRequest } from '../../src/admin/pagination.js';
import { describeForAdmin, type AuditLine, type AuditNames } from '../describe-event.js';
import { formatDateTime } from '../../src/i18n/format.js';
import { renderConsole, type ConsoleRoutes } from './page.js';
import { organisationChoices } from './users.js';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const dateOnly = /^\d{4}-\d{2}-\d{2}$/;

export function auditRoutes(routes: ConsoleRoutes): void {
  routes.get('/audit', async (c) => {
    const q = (name: string) => (typeof c.ctx.query[name] === 'string' ? (c.ctx.query[name] as string).trim() : '');
    const filters = { user: q('user'), organisation_id: q('organisation_id'), type: q('type'), from: q('from'), to: q('to') };
    const errors: string[] = [];
    let accountId: string | undefined;
    if (filters.user) {
      const found = uuid.test(filters.user) ? await c.deps.accountAdmin.find(filters.user) : await c.deps.accounts.findByEmail(filters.user);
      // another organisation's user is, for an org admin, no user at all
      const scope = organisationScope(c.p);
      if (found && (scope === undefined || found.organisationId === scope)) accountId = found.id;
      else errors.push(c.tr.t('admin_console.audit_no_user', { user: filters.user }));
    }
    if (filters.organisation_id && !uuid.test(filters.organisation_id)) errors.push(c.tr.t('admin_console.audit_bad_organisation'));
    if (filters.type && !/^[a-z_.]{1,100}$/.test(filters.type)) errors.push(c.tr.t('admin_console.audit_bad_type'));
    for (const name of ['from', 'to'] as const) if (filters[name] && !dateOnly.test(filters[name])) errors.push(c.tr.t('admin_console.audit_bad_date'));
    const cursor = /^[A-Za-z0-9_-]{1,64}$/.test(q('cursor')) ? q('cursor') : undefined;
    const req = pageRequest({ cursor, limit: 50 });
    const own = organisationScope(c.p);
    let events: ({ at: string; type: string; account: string; email: string | undefined } & AuditLine)[] = [];
    const organisations = await organisationChoices(c);
    let next: string | undefined;
    const otherOrganisation = own !== undefined && filters.organisation_id !== '' && filters.organisation_id !== own;
    if (!errors.length && !otherOrganisation && (req.after === undefined || /^\d{1,19}$/.test(req.after))) {
      const rows = await c.deps.audit.query({
        accountId,
        organisationId: own ?? (filters.organisation_id || undefined),
        types: filters.type ? [filters.type] : undefined,
        from: filters.from ? new Date(`${filters.from}T00:00:00Z`) : undefined,
        to: filters.to ? new Date(Date.parse(`${filters.to}T00:00:00Z`) + 86_400_000) : undefined,
        before: req.after,
        limit: req.limit + 1,
      });
      // an org admin's own events are scoped by organisation; the user filter narrows within it
      // the accounts and the administrators who acted by their e-mail addresses (one look-up per
      // account on the page), organisations by name; each event in a sentence (describe-event.ts)
      const admins = rows.map((e) => e.details['admin']).filter((id): id is string => typeof id === 'string' && uuid.test(id));
      const ids = [...new Set([...rows.map((e) => e.accountId).filter((id): id is string => Boolean(id)), ...admins])];
      const emails = new Map((await Promise.all(ids.map((id) => c.deps.accountAdmin.find(id)))).filter((a) => a !== undefined).map((a) => [a.id, a.email]));
      const orgNames = new Map(organisations.map((o) => [o.id, o.name]));
      const names: AuditNames = { account: (id) => emails.get(id), organisation: (id) => orgNames.get(id) };
      const result = page(
        rows,
        req,
        (e) => String(e.id),
        (e) => ({
          at: formatDateTime(c.tr, e.at),
          type: e.type,
          account: e.accountId ?? '',
          email: e.accountId ? emails.get(e.accountId) : undefined,
          ...describeForAdmin(c.tr, e, names),
        }),
      );
      events = result.items;
      if (result.next_cursor) next = `/admin/audit?${new URLSearchParams({ ...filters, cursor: result.next_cursor })}`;
    }
    renderConsole(c, 'admin-audit', c.tr.t('admin_console.audit_title'), { events, next, filters, organisations, errors }, errors.length ? 400 : 200);
  });
}
