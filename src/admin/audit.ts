// /admin/v1/audit: the security event log, newest first, filtered by account, organisation,
// event type and time range. An org admin sees only the events of their own organisation.
import type Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import type { AuditLog, StoredAuditEvent } from '../storage/postgres/audit.js';
import { organisationScope, type AdminPrincipal } from './auth.js';
import { ApiError, fieldErrors } from './errors.js';
import { page, pageRequest } from './pagination.js';

export const auditQuery = z.object({
  account_id: z.uuid().optional(),
  organisation_id: z.uuid().optional(),
  type: z
    .string()
    .regex(/^[a-z_.]+(,[a-z_.]+)*$/, 'event types separated by commas, e.g. signin.failed,factor.reset')
    .max(500)
    .optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});

export const auditEventView = z.object({
  id: z.string(),
  at: z.string().meta({ format: 'date-time' }),
  type: z.string(),
  account_id: z.string().nullable(),
  client_id: z.string().nullable(),
  ip: z.string().nullable(),
  user_agent: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});

const view = (e: StoredAuditEvent) => ({
  id: String(e.id),
  at: e.at.toISOString(),
  type: e.type,
  account_id: e.accountId,
  client_id: e.clientId,
  ip: e.ip,
  user_agent: e.userAgent,
  details: e.details,
});

export function auditRoutes(router: Router, deps: { audit: AuditLog }, principal: (ctx: Context) => AdminPrincipal) {
  router.get('/audit', async (ctx) => {
    const p = principal(ctx);
    const { limit: _l, cursor: _c, ...filters } = ctx.query;
    const parsed = auditQuery.strict().safeParse(filters);
    if (!parsed.success) throw new ApiError(400, 'invalid_request', 'invalid filter', {}, fieldErrors(parsed.error));
    const q = parsed.data;
    const req = pageRequest({ limit: ctx.query['limit'], cursor: ctx.query['cursor'] });
    if (req.after !== undefined && !/^\d{1,19}$/.test(req.after)) throw new ApiError(400, 'invalid_request', 'not a cursor from next_cursor', {}, { cursor: ['not a cursor from next_cursor'] });
    const own = organisationScope(p);
    // an org admin asking for another organisation gets an empty page, as if it had no events
    if (own !== undefined && q.organisation_id !== undefined && q.organisation_id !== own) {
      ctx.body = { items: [], next_cursor: null };
      return;
    }
    const rows = await deps.audit.query({
      accountId: q.account_id,
      organisationId: own ?? q.organisation_id,
      types: q.type?.split(','),
      from: q.from ? new Date(q.from) : undefined,
      to: q.to ? new Date(q.to) : undefined,
      before: req.after,
      limit: req.limit + 1,
    });
    ctx.body = page(rows, req, (e) => String(e.id), view);
  });
}
