// Console: bulk actions, each first as a dry run — a page listing who would be affected, with a
// button to go ahead — then the real run. Resend the confirmation e-mail to every unconfirmed
// user this administrator sees; reset two-step verification for every user of an organisation
// (a reason is required); disable it for every user of an organisation not exempt yet (a reason,
// and optionally the day the exemption ends). The work is src/admin/operations/users.ts, as for
// the API's bulk routes.
import { z } from 'zod';
import { bulkConfirmationEmails, bulkTwoFactorDisable, bulkTwoFactorReset, type BulkResult } from '../../src/admin/operations/users.js';
import { formatDate } from '../../src/i18n/format.js';
import { reasonBody } from '../../src/admin/user-schemas.js';
import { field, formError, formErrors, formOf, meta, renderConsole, type ConsoleRequest, type ConsoleRoutes } from './page.js';
import { organisationChoices, untilFromForm } from './users.js';

const organisationId = z.uuid().optional();

function options(c: ConsoleRequest) {
  const form = formOf(c.ctx);
  const given = field(form, 'organisation_id') || undefined;
  return { organisationId: organisationId.safeParse(given).success ? given : '00000000-0000-0000-0000-000000000000', dryRun: field(form, 'confirm') !== 'yes', reason: field(form, 'reason') };
}

async function showStart(c: ConsoleRequest, errors: string[] = [], status = 200) {
  renderConsole(c, 'admin-bulk', c.tr.t('admin_console.bulk_title'), { organisations: await organisationChoices(c), errors }, status);
}

type BulkKind = 'confirmation' | 'reset' | 'disable';

/** Where each kind's confirmation goes, and the label of its reason (none: no reason asked). */
const bulkForms: Record<BulkKind, { action: string; reasonLabel?: string }> = {
  confirmation: { action: '/admin/bulk/confirmation-emails' },
  reset: { action: '/admin/bulk/two-factor-reset', reasonLabel: 'admin_console.reason_reset' },
  disable: { action: '/admin/bulk/two-factor-disable', reasonLabel: 'admin_console.reason_disable_2fa' },
};

function showResult(
  c: ConsoleRequest,
  kind: BulkKind,
  result: BulkResult,
  opts: { organisationId: string | undefined; organisationName: string | undefined; reason?: string; until?: string | undefined; errors?: string[] },
  status = 200,
) {
  const until = opts.until ? new Date(opts.until) : undefined;
  renderConsole(
    c,
    'admin-bulk-result',
    c.tr.t(result.dryRun ? `admin_console.bulk_${kind}_dry_title` : `admin_console.bulk_${kind}_done_title`),
    {
      kind,
      ...bulkForms[kind],
      dryRun: result.dryRun,
      users: result.users.map((u) => ({ ...u, outcome: outcomeText(c, u.outcome) })),
      count: result.users.length,
      organisationId: opts.organisationId ?? '',
      organisationName: opts.organisationName,
      reason: opts.reason ?? '',
      // disable: the day the exemption ends, carried from the dry run to the real run
      until: opts.until ?? '',
      untilNote:
        kind !== 'disable' ? undefined : until ? c.tr.t('admin_console.bulk_disable_until', { date: formatDate(c.tr, until, { timeZone: 'UTC' }) }) : c.tr.t('admin_console.bulk_disable_open'),
      errors: opts.errors ?? [],
    },
    status,
  );
}

/** The operations' outcomes ("sent", "removed 2") in the reader's language. */
function outcomeText(c: ConsoleRequest, outcome: string | undefined): string {
  const removed = /^removed (\d+)$/.exec(outcome ?? '');
  if (removed) return c.tr.t('admin_console.outcome_removed', { count: Number(removed[1]) });
  switch (outcome) {
    case 'sent':
      return c.tr.t('admin_console.outcome_sent');
    case 'already_confirmed':
      return c.tr.t('admin_console.outcome_already_confirmed');
    case 'too_many':
      return c.tr.t('admin_console.outcome_rate_limited');
    case 'delivery_failed':
      return c.tr.t('admin_console.outcome_delivery_failed');
    default:
      return outcome ?? '';
  }
}

const nameOf = async (c: ConsoleRequest, id: string | undefined) => (id ? (await c.deps.organisations.findById(id))?.name : undefined);

export function bulkRoutes(routes: ConsoleRoutes): void {
  routes.get('/bulk', (c) => showStart(c));
  bulkDisableRoute(routes);

  routes.post('/bulk/confirmation-emails', async (c) => {
    const o = options(c);
    const given = field(formOf(c.ctx), 'organisation_id') ? o.organisationId : undefined;
    const result = await bulkConfirmationEmails(c.deps, c.p, { organisationId: given, dryRun: o.dryRun }, meta(c.ctx));
    showResult(c, 'confirmation', result, { organisationId: given, organisationName: await nameOf(c, given) });
  });

  routes.post('/bulk/two-factor-reset', async (c) => {
    const o = options(c);
    const given = field(formOf(c.ctx), 'organisation_id') ? o.organisationId : undefined;
    if (!given && c.p.role === 'admin') return showStart(c, [c.tr.t('admin_console.bulk_choose_organisation')], 400);
    if (!o.dryRun) {
      const reason = reasonBody.safeParse({ reason: o.reason });
      if (!reason.success) {
        // back to the dry run, with the reason asked for again
        const preview = await bulkTwoFactorReset(c.deps, c.p, { organisationId: given, dryRun: true }, meta(c.ctx));
        return showResult(c, 'reset', preview, { organisationId: given, organisationName: await nameOf(c, given), reason: o.reason, errors: [c.tr.t('admin_console.reason_required')] }, 400);
      }
    }
    try {
      const result = await bulkTwoFactorReset(c.deps, c.p, { organisationId: given, dryRun: o.dryRun, reason: o.reason.trim() }, meta(c.ctx));
      showResult(c, 'reset', result, { organisationId: given, organisationName: await nameOf(c, given ?? (c.p.kind === 'client' ? undefined : c.p.organisationId)) });
    } catch (caught) {
      const err = formError(caught);
      await showStart(c, formErrors(c.tr, err), 400);
    }
  });
}

/** Disable two-step verification for every user of an organisation not exempt yet: the dry run, then the real run with a reason. */
export function bulkDisableRoute(routes: ConsoleRoutes): void {
  routes.post('/bulk/two-factor-disable', async (c) => {
    const o = options(c);
    const form = formOf(c.ctx);
    const given = field(form, 'organisation_id') ? o.organisationId : undefined;
    const until = untilFromForm(field(form, 'until'));
    if (!given && c.p.role === 'admin') return showStart(c, [c.tr.t('admin_console.bulk_choose_organisation_disable')], 400);
    const name = await nameOf(c, given ?? (c.p.kind === 'client' ? undefined : c.p.organisationId));
    try {
      if (!o.dryRun && !reasonBody.safeParse({ reason: o.reason }).success) {
        // back to the dry run, with the reason asked for again
        const preview = await bulkTwoFactorDisable(c.deps, c.p, { organisationId: given, dryRun: true, until }, meta(c.ctx));
        return showResult(c, 'disable', preview, { organisationId: given, organisationName: name, reason: o.reason, until, errors: [c.tr.t('admin_console.reason_required')] }, 400);
      }
      const result = await bulkTwoFactorDisable(c.deps, c.p, { organisationId: given, dryRun: o.dryRun, reason: o.reason.trim(), until }, meta(c.ctx));
      showResult(c, 'disable', result, { organisationId: given, organisationName: name, until });
    } catch (caught) {
      const err = formError(caught);
      await showStart(c, formErrors(c.tr, err), 400);
    }
  });
}
