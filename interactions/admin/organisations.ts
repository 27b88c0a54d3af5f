// Console: organisations and their two-step verification policy. An org admin sees only their
// own (another one is the 404 page). The organisation page shows the policy as a form and the
// enrolment progress toward the mandatory-from date: how many users have a second factor out of
// how many, and who has not set one up yet. The change is src/admin/operations/organisations.ts.
import { parseBody } from '../../src/admin/errors.js';
import { organisationScope } from '../../src/admin/auth.js';
import { requireRole } from '../../src/admin/auth.js';
import { createOrganisation, updateOrganisation, visibleOrganisation } from '../../src/admin/operations/organisations.js';
import { organisationChange, organisationInput } from '../../src/admin/organisation-schemas.js';
import { page, pageRequest } from '../../src/admin/pagination.js';
import type { Organisation } from '../../src/storage/postgres/organisations.js';
import { formatDate } from '../../src/i18n/format.js';
import { durationText } from '../signin/session-ended.js';
import { formValuesFromForm, formValuesOf, policyControls, policyInputFromForm, type PolicyFormValues } from './policy-form.js';
import { field, formError, formErrors, formOf, redirectDone, renderConsole, type ConsoleRequest, type ConsoleRoutes } from './page.js';

const param = (c: ConsoleRequest) => String(c.ctx.params['organisationId'] ?? '');

/** The form as the API's input: the name and the policy. */
function changeFromForm(c: ConsoleRequest) {
  const form = formOf(c.ctx);
  return { name: field(form, 'name'), policy: policyInputFromForm(form) };
}

const valuesOf = (o: Organisation): PolicyFormValues => ({ name: o.name, ...formValuesOf(o.policy) });

/** Who has a second factor (enabled accounts only): the progress toward the mandatory-from date. */
async function enrolment(c: ConsoleRequest, o: Organisation) {
  const shown = 200;
  // users an administrator exempted (disabled 2FA for) are not pending: they are counted apart
  const [{ total, enrolled, exempt }, pending] = await Promise.all([
    c.deps.accountAdmin.count({ organisationId: o.id, disabled: false }),
    c.deps.accountAdmin.page({ organisationId: o.id, disabled: false, twoFactor: 'none', exempt: false }, { limit: shown }),
  ]);
  const from = o.policy.mandatoryFrom;
  const now = new Date(c.deps.clock.now());
  const days = from ? Math.ceil((from.getTime() - now.getTime()) / 86_400_000) : undefined;
  return {
    total,
    enrolled,
    percent: total ? Math.floor((enrolled * 100) / total) : 100,
    pendingCount: total - enrolled - exempt,
    exempt,
    exemptList: exempt ? `/admin/users?${new URLSearchParams({ organisation_id: o.id, two_factor: 'exempt' })}` : undefined,
    pending: pending.map((u) => ({ id: u.id, email: u.email, name: u.name, emailVerified: u.emailVerified })),
    // the rest of a long list: the users page, filtered to this organisation's users without 2FA
    more: total - enrolled - exempt > shown ? `/admin/users?${new URLSearchParams({ organisation_id: o.id, status: 'active', two_factor: 'none' })}` : undefined,
    mandatoryFrom: from ? formatDate(c.tr, from, { timeZone: 'UTC' }) : undefined, // a day that starts at midnight UTC
    daysLeft: days !== undefined && days > 0 ? days : undefined,
    inForce: from !== null && days !== undefined && days <= 0 && o.policy.mode === 'required',
  };
}

async function showOrganisation(c: ConsoleRequest, o: Organisation, values = valuesOf(o), errors: string[] = [], status = 200) {
  renderConsole(
    c,
    'admin-organisation',
    o.name,
    {
      organisation: { id: o.id, slug: o.slug, name: o.name },
      values,
      controls: policyControls(c.tr, values, {
        SIGNIN_MAX_WRONG_CODES: String(c.deps.config.secondFactor.maxWrongCodes),
        CODE_TTL_SECONDS: String(c.deps.config.secondFactor.codeTtlSeconds),
        SESSION_IDLE_SECONDS: durationText(c.tr, c.deps.config.session.idleSeconds),
        max: durationText(c.tr, c.deps.config.session.maxSeconds),
      }),
      policyErrors: errors,
      enrolment: await enrolment(c, o),
    },
    status,
  );
}

export function organisationRoutes(routes: ConsoleRoutes): void {
  routes.get('/organisations', async (c) => {
    const req = pageRequest({ cursor: c.ctx.query['cursor'] || undefined, limit: 50 });
    const rows = await c.deps.organisations.page({ after: req.after, limit: req.limit + 1, only: organisationScope(c.p) });
    const result = page(
      rows,
      req,
      (o) => o.slug,
      (o) => ({ id: o.id, slug: o.slug, name: o.name, mode: o.policy.mode, mandatoryFrom: o.policy.mandatoryFrom ? formatDate(c.tr, o.policy.mandatoryFrom, { timeZone: 'UTC' }) : undefined }),
    );
    renderConsole(c, 'admin-organisations', c.tr.t('admin_console.organisations_title'), {
      organisations: result.items,
      next: result.next_cursor ? `/admin/organisations?cursor=${result.next_cursor}` : undefined,
    });
  });

  // a new organisation (admin only): its slug and name; the policy is set on its page after
  routes.get('/organisations/new', async (c) => {
    requireRole(c.p, 'admin');
    renderConsole(c, 'admin-organisation-new', c.tr.t('admin_console.organisation_new_title'), { values: { slug: '', name: '' } });
  });

  routes.post('/organisations', async (c) => {
    requireRole(c.p, 'admin');
    const typed = { slug: field(formOf(c.ctx), 'slug').trim(), name: field(formOf(c.ctx), 'name') };
    try {
      const org = await createOrganisation(c.deps, c.p, parseBody(organisationInput, typed));
      redirectDone(c.ctx, `/admin/organisations/${org.id}`, 'created_organisation');
    } catch (caught) {
      const err = formError(caught);
      renderConsole(c, 'admin-organisation-new', c.tr.t('admin_console.organisation_new_title'), { values: typed, errors: formErrors(c.tr, err) }, 400);
    }
  });

  routes.get('/organisations/:organisationId', async (c) => {
    await showOrganisation(c, await visibleOrganisation(c.deps, c.p, param(c)));
  });

  routes.post('/organisations/:organisationId', async (c) => {
    const org = await visibleOrganisation(c.deps, c.p, param(c));
    const typed = changeFromForm(c);
    try {
      await updateOrganisation(c.deps, c.p, org.id, parseBody(organisationChange, typed));
      redirectDone(c.ctx, `/admin/organisations/${org.id}`, 'policy_saved');
    } catch (caught) {
      const err = formError(caught);
      const values = { name: typed.name, ...formValuesFromForm(formOf(c.ctx)) };
      await showOrganisation(c, org, values, formErrors(c.tr, err), 400);
    }
  });
}
