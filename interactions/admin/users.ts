// Console: users. Search with filters in pages; create (an invitation e-mail sets the first
// password); a user's page with their two-step verification status and enrolled methods (never
// secrets) and the actions: disable/enable, unlock, sign out everywhere, reset 2FA (with a
// reason), disable 2FA (reset + an exemption from the organisation's requirement, with a reason
// and an optional end date) and require it again, resend the confirmation e-mail, roles (admin only). An org admin sees only their own
// organisation's users (another one's is the 404 page). The work is src/admin/operations/users.ts.
import { organisationScope } from '../../src/admin/auth.js';
import { parseBody } from '../../src/admin/errors.js';
import {
  changeUser,
  createUser,
  disableTwoFactor,
  endTwoFactorExemption,
  forgetUserDevices,
  resendConfirmation,
  resetTwoFactor,
  signOutUser,
  unlockUser,
  userFilter,
  visibleUser,
} from '../../src/admin/operations/users.js';
import { page, pageRequest } from '../../src/admin/pagination.js';
import { disableTwoFactorBody, reasonBody, userChange, userInput, userQuery } from '../../src/admin/user-schemas.js';
import type { AdminAccountRow } from '../../src/storage/postgres/account-admin.js';
import { exemptionInEffect, type TwoFactorExemption } from '../../src/storage/postgres/twofa-exemptions.js';
import { roles } from '../../src/storage/postgres/roles.js';
import { formatDate } from '../../src/i18n/format.js';
import { factorName } from '../profile/factor-name.js';
import { field, fields, formError, formErrors, formOf, meta, redirectDone, renderConsole, type ConsoleRequest, type ConsoleRoutes } from './page.js';

const param = (c: ConsoleRequest) => String(c.ctx.params['userId'] ?? '');
const userPath = (id: string) => `/admin/users/${id}`;

/** The form's "exempt until" day (a date field: midnight UTC, like "required from"); anything else goes to the schema as typed, to be refused. */
export function untilFromForm(value: string): string | undefined {
  const v = value.trim();
  if (v === '') return undefined;
  return /^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v;
}

/** The organisations this administrator may pick from (an org admin: their own). */
export async function organisationChoices(c: ConsoleRequest) {
  const own = organisationScope(c.p);
  const all = own ? [await c.deps.organisations.findById(own)].filter((o) => o !== undefined) : await c.deps.organisations.list();
  return all.map((o) => ({ id: o.id, name: o.name }));
}

const filterNames = ['q', 'organisation_id', 'status', 'email_verified', 'two_factor'] as const;

export function userRoutes(routes: ConsoleRoutes): void {
  routes.get('/users', async (c) => {
    const filters: Record<string, string> = {};
    for (const name of filterNames) {
      const v = c.ctx.query[name];
      if (typeof v === 'string' && v.trim() !== '') filters[name] = v.trim();
    }
    const parsed = userQuery.safeParse(filters);
    const organisations = await organisationChoices(c);
    const names = new Map(organisations.map((o) => [o.id, o.name]));
    let users: ReturnType<typeof row>[] = [];
    let next: string | undefined;
    const errors: string[] = [];
    const cursor = typeof c.ctx.query['cursor'] === 'string' && /^[A-Za-z0-9_-]{1,1024}$/.test(c.ctx.query['cursor']) ? c.ctx.query['cursor'] : undefined;
    if (!parsed.success) errors.push(c.tr.t('admin_console.users_bad_filter'));
    else {
      const filter = userFilter(c.p, parsed.data);
      if (filter) {
        const req = pageRequest({ cursor, limit: 25 });
        const rows = await c.deps.accountAdmin.page(filter, { after: req.after, limit: req.limit + 1 });
        const result = page(
          rows,
          req,
          (a) => a.email.toLowerCase(),
          (a) => row(c, a, names),
        );
        users = result.items;
        if (result.next_cursor) next = `/admin/users?${new URLSearchParams({ ...filters, cursor: result.next_cursor })}`;
      }
    }
    renderConsole(
      c,
      'admin-users',
      c.tr.t('admin_console.users_title'),
      { users, next, first: cursor ? `/admin/users?${new URLSearchParams(filters)}` : undefined, filters, organisations, errors },
      errors.length ? 400 : 200,
    );
  });

  routes.get('/users/new', async (c) => {
    renderConsole(c, 'admin-user-new', c.tr.t('admin_console.user_new_title'), { organisations: await organisationChoices(c), values: { roles: [] }, roles, errors: [] });
  });

  routes.post('/users', async (c) => {
    const form = formOf(c.ctx);
    const typed = {
      email: field(form, 'email').trim(),
      name: field(form, 'name'),
      organisation_id: field(form, 'organisation_id') || undefined,
      roles: fields(form, 'roles'),
      email_verified: field(form, 'email_verified') === 'on',
    };
    try {
      const { user, invitation } = await createUser(c.deps, c.p, parseBody(userInput, typed), meta(c.ctx));
      redirectDone(c.ctx, userPath(user.id), invitation === 'sent' ? 'created' : 'created_undelivered');
    } catch (caught) {
      const err = formError(caught);
      renderConsole(c, 'admin-user-new', c.tr.t('admin_console.user_new_title'), { organisations: await organisationChoices(c), values: typed, roles, errors: formErrors(c.tr, err) }, 400);
    }
  });

  routes.get('/users/:userId', async (c) => showUser(c, await visibleUser(c.deps, c.p, param(c))));

  /** An action on one user: its form's errors are shown on the user's page. */
  const action = (path: string, act: (c: ConsoleRequest, user: AdminAccountRow) => Promise<string>) =>
    routes.post(`/users/:userId/${path}`, async (c) => {
      const user = await visibleUser(c.deps, c.p, param(c));
      try {
        redirectDone(c.ctx, userPath(user.id), await act(c, user));
      } catch (caught) {
        const err = formError(caught);
        await showUser(c, user, formErrors(c.tr, err), 400);
      }
    });
  const reason = (c: ConsoleRequest) => parseBody(reasonBody, { reason: field(formOf(c.ctx), 'reason') }).reason;
  const optionalReason = (c: ConsoleRequest) => field(formOf(c.ctx), 'reason').trim() || undefined;

  action('disable', async (c, user) => {
    await changeUser(c.deps, c.p, user, parseBody(userChange, { disabled: true, reason: optionalReason(c) }), meta(c.ctx));
    return 'disabled';
  });
  action('enable', async (c, user) => {
    await changeUser(c.deps, c.p, user, parseBody(userChange, { disabled: false, reason: optionalReason(c) }), meta(c.ctx));
    return 'enabled';
  });
  action('unlock', async (c, user) => {
    await unlockUser(c.deps, c.p, user, meta(c.ctx));
    return 'unlocked';
  });
  action('devices/forget', async (c, user) => {
    await forgetUserDevices(c.deps, c.p, user, meta(c.ctx));
    return 'devices_forgotten';
  });
  action('sign-out', async (c, user) => {
    await signOutUser(c.deps, c.p, user, reason(c), meta(c.ctx));
    return 'signed_out';
  });
  action('two-factor/reset', async (c, user) => {
    await resetTwoFactor(c.deps, c.p, user.id, reason(c), meta(c.ctx));
    return 'reset';
  });
  action('two-factor/exemption', async (c, user) => {
    const form = formOf(c.ctx);
    await disableTwoFactor(c.deps, c.p, user.id, parseBody(disableTwoFactorBody, { reason: field(form, 'reason'), until: untilFromForm(field(form, 'until')) }), meta(c.ctx));
    return 'two_factor_disabled';
  });
  action('two-factor/require', async (c, user) => ((await endTwoFactorExemption(c.deps, c.p, user.id, meta(c.ctx))) ? 'exemption_ended' : 'not_exempt'));
  action('confirmation-email', async (c, user) => {
    const result = await resendConfirmation(c.deps, user, meta(c.ctx));
    return result === 'too_many' ? 'confirmation_rate_limited' : `confirmation_${result}`;
  });
  action('roles', async (c, user) => {
    await changeUser(c.deps, c.p, user, parseBody(userChange, { roles: fields(formOf(c.ctx), 'roles') }), meta(c.ctx));
    return 'roles_saved';
  });
}

function row(c: ConsoleRequest, a: AdminAccountRow, names: Map<string, string>) {
  return {
    id: a.id,
    email: a.email,
    name: a.name,
    organisation: names.get(a.organisationId) ?? '',
    emailVerified: a.emailVerified,
    disabled: a.disabledAt !== null,
    twoFactor: a.factorCount > 0,
    exempt: a.exempt,
    roles: a.roles,
    created: formatDate(c.tr, a.createdAt),
  };
}

async function showUser(c: ConsoleRequest, user: AdminAccountRow, errors: string[] = [], status = 200): Promise<void> {
  const { deps, tr } = c;
  const [account, factors, unused, devices, organisation, exemption] = await Promise.all([
    deps.accounts.findById(user.id),
    deps.factors.findByAccount(user.id),
    deps.recoveryCodes.countUnused(user.id),
    deps.devices.list(user.id),
    deps.organisations.findById(user.organisationId),
    deps.twoFactorExemptions.find(user.id),
  ]);
  renderConsole(
    c,
    'admin-user',
    user.email,
    {
      user: { ...row(c, user, new Map(organisation ? [[organisation.id, organisation.name]] : [])), organisationId: user.organisationId, hasPassword: user.hasPassword },
      // the methods by kind, name and dates: never a secret, a destination is the user's own label
      factors: factors.map((f) => ({
        name: factorName(tr, f),
        kind: f.kind,
        added: formatDate(tr, f.createdAt),
        lastUsed: f.lastUsedAt ? formatDate(tr, f.lastUsedAt) : undefined,
        preferred: f.id === account?.preferredFactorId,
      })),
      unused,
      devices: devices.length,
      exemption: exemptionInEffect(exemption, new Date(deps.clock.now())) ? await exemptionView(c, exemption!) : undefined,
      roles,
      errors,
    },
    status,
  );
}

/** An exemption as the user's page says it: until when (a day, midnight UTC), since when, by whom, why. */
async function exemptionView(c: ConsoleRequest, e: TwoFactorExemption) {
  const { tr, deps } = c;
  const by = e.createdBy;
  const admin = by['admin'] ? await deps.accounts.findById(by['admin']) : undefined;
  const who = admin?.email ?? by['client'] ?? by['admin'] ?? '—';
  return {
    text: e.until ? tr.t('admin_console.exempt_until', { date: formatDate(tr, e.until, { timeZone: 'UTC' }) }) : tr.t('admin_console.exempt_open'),
    granted: tr.t('admin_console.exempt_granted', { date: formatDate(tr, e.createdAt), who, reason: e.reason }),
  };
}
