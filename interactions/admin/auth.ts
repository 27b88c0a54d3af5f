// Who is using the admin console. The console is one of our own pages, like the profile: it uses
// the sign-in session directly (touchSession) and signs in through the internal account client —
// asking for a second factor (acr_values=urn:twofold:acr:mfa), so a session with a password alone
// is stepped up. Then the account must hold the role admin or org_admin; otherwise a 403 page.
import type { Context } from 'koa';
import { acr } from '../../src/oidc/authentication.js';
import { touchSession } from '../../src/oidc/session-activity.js';
import type { AdminPrincipal } from '../../src/admin/auth.js';
import type { InteractionDeps } from '../context.js';
import { startSignIn } from '../profile/auth.js';
import { renderMessage, translatorFor } from '../render.js';

/** The console's principal, or undefined after redirecting to sign in or rendering the 403 page. */
export async function requireConsoleAdmin(ctx: Context, deps: InteractionDeps): Promise<AdminPrincipal | undefined> {
  const { config, clock } = deps;
  const session = await touchSession(ctx, deps.provider(), {
    idleLimits: deps.sessionIdle,
    maxSeconds: config.session.maxSeconds,
    secureCookies: config.secureCookies,
    nowSeconds: () => Math.floor(clock.now() / 1000),
  });
  const account = session ? await deps.accounts.findById(session.accountId) : undefined;
  if (!session || !account || account.disabledAt || session.acr !== acr.mfa) {
    await startSignIn(ctx, deps, { returnTo: ctx.method === 'GET' ? ctx.originalUrl : '/admin', mfa: true });
    return undefined;
  }
  const held = await deps.roles.of(account.id);
  const role = held.includes('admin') ? 'admin' : held.includes('org_admin') ? 'org_admin' : undefined;
  if (!role) {
    const tr = translatorFor(ctx, deps.i18n);
    renderMessage(
      ctx,
      deps.views,
      tr,
      {
        title: tr.t('admin_console.forbidden_title'),
        paragraphs: [tr.t('admin_console.forbidden_no_role', { email: account.email }), tr.t('admin_console.forbidden_what_next')],
        link: { href: '/account', text: tr.t('admin_console.back_to_profile') },
      },
      403,
    );
    return undefined;
  }
  return { kind: 'console', accountId: account.id, role, organisationId: account.organisationId };
}
