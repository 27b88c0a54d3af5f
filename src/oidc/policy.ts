// Interaction policy: oidc-provider's default prompts plus two login checks of our own:
// - the absolute session lifetime (oidc-provider has no built-in cap; notes §1);
// - a second factor when the request or the client demands one and the session has only a
//   password (step-up: the interaction then asks for the second factor alone).
import { interactionPolicy, type KoaContextWithOIDC } from 'oidc-provider';
import { acr } from './authentication.js';
import { pastAbsoluteLifetime } from './session-ttl.js';

const { base, Check } = interactionPolicy;

/** Whether this authorization request must end with a second factor. */
export function requiresSecondFactor(ctx: KoaContextWithOIDC): boolean {
  return asksForFreshSecondFactor(ctx) || ctx.oidc.client?.metadata()['require_mfa'] === true;
}

/** acr_values=urn:twofold:acr:mfa: a second factor proven in this session, a remembered device is not enough. */
const asksForFreshSecondFactor = (ctx: KoaContextWithOIDC): boolean =>
  String(ctx.oidc.params?.['acr_values'] ?? '')
    .split(' ')
    .includes(acr.mfa);

/** A client's require_mfa accepts a browser remembered after a second factor; acr_values=…:mfa does not. */
function secondFactorSatisfied(ctx: KoaContextWithOIDC): boolean {
  const sessionAcr = ctx.oidc.session?.acr;
  return sessionAcr === acr.mfa || (sessionAcr === acr.rememberedDevice && !asksForFreshSecondFactor(ctx));
}

export function createInteractionPolicy(opts: { maxSeconds: number; nowSeconds: () => number }) {
  const policy = base();
  const login = policy.get('login');
  if (!login) throw new Error('oidc-provider base policy has no login prompt');
  login.checks.add(
    new Check('session_max_age', 'The session reached its maximum lifetime', 'login_required', (ctx) =>
      pastAbsoluteLifetime(ctx.oidc.session?.loginTs, opts.nowSeconds(), opts.maxSeconds) && !ctx.oidc.result?.login ? Check.REQUEST_PROMPT : Check.NO_NEED_TO_PROMPT,
    ),
  );
  login.checks.add(
    new Check('mfa_required', 'A second factor is required', 'login_required', (ctx) =>
      ctx.oidc.session?.accountId && requiresSecondFactor(ctx) && !secondFactorSatisfied(ctx) ? Check.REQUEST_PROMPT : Check.NO_NEED_TO_PROMPT,
    ),
  );
  return policy;
}
