// The consent step for third-party clients (first-party clients never get here: their grant
// is created in loadExistingGrant, see src/oidc/provider.ts).
import type { Context } from 'koa';
import { saveGrant } from '../src/oidc/grants.js';
import type { InteractionDeps } from './context.js';
import { finishConsent } from './finish.js';
import type { InteractionDetails } from './load.js';
import { clientName } from './client-name.js';
import { renderPage, translatorFor } from './render.js';

const knownScopes = new Set(['openid', 'email', 'profile', 'offline_access']);

export async function showConsent(ctx: Context, deps: InteractionDeps, details: InteractionDetails): Promise<void> {
  const params = details.params as Record<string, string | undefined>;
  const tr = translatorFor(ctx, deps.i18n, params['ui_locales']);
  const client = (await clientName(deps, params['client_id'])) ?? '';
  const promptDetails = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
  // With prompt=consent nothing may be missing from the grant: then list everything requested.
  const scopes = promptDetails.missingOIDCScope ?? (params['scope'] ?? 'openid').split(' ');
  const items = [...scopes.filter((s) => knownScopes.has(s)).map((s) => tr.t(`consent.scope_${s}`)), ...(promptDetails.missingOIDCClaims ?? []).map((claim) => tr.t('consent.claim', { claim }))];
  const account = details.session?.accountId ? await deps.accounts.findById(details.session.accountId) : undefined;
  renderPage(ctx, deps.views, tr, 'consent', {
    title: tr.t('consent.title'),
    uid: details.uid,
    client,
    items,
    email: account?.email ?? '',
    csrf: deps.csrf.token(ctx),
  });
}

export async function submitConsent(ctx: Context, deps: InteractionDeps, details: InteractionDetails): Promise<void> {
  const provider = deps.provider();
  const accountId = details.session?.accountId;
  const clientId = details.params['client_id'];
  if (!accountId || typeof clientId !== 'string') {
    ctx.status = 303;
    return ctx.redirect(`/interaction/${details.uid}`);
  }
  const existing = details.grantId ? await provider.Grant.find(details.grantId) : undefined;
  const grant = existing ?? new provider.Grant({ accountId, clientId });
  const promptDetails = details.prompt.details as {
    missingOIDCScope?: string[];
    missingOIDCClaims?: string[];
    missingResourceScopes?: Record<string, string[]>;
  };
  if (promptDetails.missingOIDCScope) grant.addOIDCScope(promptDetails.missingOIDCScope.join(' '));
  if (promptDetails.missingOIDCClaims) grant.addOIDCClaims(promptDetails.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(promptDetails.missingResourceScopes ?? {})) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  const grantId = await saveGrant(grant);
  await deps.audit.record({ type: 'consent.granted', accountId, clientId, ip: ctx.ip, userAgent: ctx.get('user-agent'), details: { scope: grant.openid?.scope } });
  return finishConsent(ctx, deps, grantId);
}
