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
import { factorKinds, rememberIpRules, twoFactorModes, type Organisation } from '../../src/storage/postgres/organisations.js';
import { formatDate } from '../../src/i18n/format.js';
import { durationText } from '../signin/session-ended.js';
import { field, fields, formError, formErrors, formOf, redirectDone, renderConsole, type ConsoleRequest, type ConsoleRoutes } from './page.js';

const param = (c: ConsoleRequest) => String(c.ctx.params['organisationId'] ?? '');
const day = (d: Date) => d.toISOString().slice(0, 10);

/** The policy form's values as the API's input; a malformed number stays a string so zod names it. */
function changeFromForm(c: ConsoleRequest) {
  const form = formOf(c.ctx);
  const number = (name: string, scale = 1) => {
    const raw = field(form, name).trim();
    return /^\d+(\.\d+)?$/.test(raw) ? Math.round(Number(raw) * scale) : raw;
  };
  const mandatory = field(form, 'mandatory_from').trim();
  return {
    name: field(form, 'name'),
    policy: {
      mode: field(form, 'mode'),
      allowed_methods: fields(form, 'allowed_methods'),
      one_code_method: field(form, 'one_code_method') === 'on',
      mandatory_from: mandatory === '' ? null : /^\d{4}-\d{2}-\d{2}$/.test(mandatory) ? `${mandatory}T00:00:00Z` : mandatory,
      remember_device_days: number('remember_device_days'),
      remember_ip_rule: field(form, 'remember_ip_rule'),
      reset_cooloff_seconds: number('reset_cooloff_hours', 3600),
      logout_after_activation: field(form, 'logout_after_activation') === 'on',
      // empty: the server's setting
      max_wrong_codes: field(form, 'max_wrong_codes').trim() === '' ? null : number('max_wrong_codes'),
      code_ttl_seconds: field(form, 'code_ttl_seconds').trim() === '' ? null : number('code_ttl_seconds'),
      // asked in minutes, kept in seconds
      session_idle_seconds: field(form, 'session_idle_minutes').trim() === '' ? null : number('session_idle_minutes', 60),
    },
  };
}

function valuesOf(o: Organisation) {
  const p = o.policy;
  return {
    name: o.name,
    mode: p.mode,
    allowed_methods: p.allowedMethods as string[],
    one_code_method: p.oneCodeMethod,
    mandatory_from: p.mandatoryFrom ? day(p.mandatoryFrom) : '',
    remember_device_days: String(p.rememberDeviceDays),
    remember_ip_rule: p.rememberIpRule,
    reset_cooloff_hours: String(p.resetCooloffSeconds / 3600),
    logout_after_activation: p.logoutAfterActivation,
    max_wrong_codes: p.maxWrongCodes === null ? '' : String(p.maxWrongCodes),
    code_ttl_seconds: p.codeTtlSeconds === null ? '' : String(p.codeTtlSeconds),
    session_idle_minutes: p.sessionIdleSeconds === null ? '' : String(Math.round((p.sessionIdleSeconds / 60) * 100) / 100),
  };
}

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
      policyErrors: errors,
      modes: twoFactorModes,
      kinds: factorKinds,
      ipRules: rememberIpRules,
      enrolment: await enrolment(c, o),
      serverDefaults: {
        maxWrongCodes: c.deps.config.secondFactor.maxWrongCodes,
        codeTtlSeconds: c.deps.config.secondFactor.codeTtlSeconds,
        sessionIdle: durationText(c.tr, c.deps.config.session.idleSeconds),
        sessionMax: durationText(c.tr, c.deps.config.session.maxSeconds),
      },
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
      const p = typed.policy;
      const values = {
        name: typed.name,
        mode: p.mode,
        allowed_methods: p.allowed_methods,
        one_code_method: p.one_code_method,
        mandatory_from: field(formOf(c.ctx), 'mandatory_from'),
        remember_device_days: field(formOf(c.ctx), 'remember_device_days'),
        remember_ip_rule: p.remember_ip_rule,
        reset_cooloff_hours: field(formOf(c.ctx), 'reset_cooloff_hours'),
        logout_after_activation: p.logout_after_activation,
        max_wrong_codes: field(formOf(c.ctx), 'max_wrong_codes'),
        code_ttl_seconds: field(formOf(c.ctx), 'code_ttl_seconds'),
      };
      await showOrganisation(c, org, values as ReturnType<typeof valuesOf>, formErrors(c.tr, err), 400);
    }
  });
}
