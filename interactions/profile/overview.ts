// "My profile": the account, its second factors (add, remove, rename, preferred), recovery
// codes. Pages only; the actions are in factors.ts and the enrolments in enrol/.
import type { Context } from 'koa';
import { factorName } from './factor-name.js';
import { accountClientId } from '../../src/oidc/account-client.js';
import type { InteractionDeps } from '../context.js';
import { formatDate } from '../../src/i18n/format.js';
import type { Translator } from '../../src/i18n/i18n.js';
import { renderPage, translatorFor } from '../render.js';
import type { ProfileViewer } from './auth.js';
import { deviceSection } from './devices.js';
import { profileFlash } from './flash.js';
import { pendingResetNotice } from '../recovery/factor-reset.js';
import { profileAdditions } from './policy.js';

const date = (tr: Translator, d: Date | null) => (d ? formatDate(tr, d) : undefined);

export async function showProfile(ctx: Context, deps: InteractionDeps, viewer: ProfileViewer): Promise<void> {
  const tr = translatorFor(ctx, deps.i18n);
  const { account } = viewer;
  const [factors, unusedCodes, flash] = await Promise.all([deps.factors.findByAccount(account.id), deps.recoveryCodes.countUnused(account.id), profileFlash(deps.store, viewer.session.uid).take()]);
  renderPage(ctx, deps.views, tr, 'profile', {
    title: tr.t('profile.title'),
    wide: true,
    account,
    csrf: deps.csrf.token(ctx),
    flash,
    factors: factors.map((f) => ({
      id: f.id,
      name: factorName(tr, f),
      kind: f.kind,
      preferred: f.id === account.preferredFactorId || (factors.length === 1 && !account.preferredFactorId),
      added: date(tr, f.createdAt),
      lastUsed: date(tr, f.lastUsedAt),
    })),
    unusedCodes,
    hasFactors: factors.length > 0,
    resetPending: await pendingResetNotice(deps, tr, account.id), // a scheduled 2FA reset (recovery/)
    ...(await deviceSection(ctx, deps, tr, viewer)),
    // what may be added (the organisation's policy; an SMS provider, an SMTP server or the outbox
    // to send codes with), the policy's notes, recent security activity: profile/policy.ts
    ...(await profileAdditions(deps, viewer, tr, factors)),
    administration: (await deps.roles.of(account.id)).length > 0, // a link to the admin console
    signOutUrl: `/session/end?${new URLSearchParams({ client_id: accountClientId, post_logout_redirect_uri: `${deps.config.issuer}/account/signed-out` })}`,
  });
}
