// Interaction policy: oidc-provider's default prompts plus a login check for the absolute
// session lifetime (oidc-provider has no built-in cap; see notes §1).
import { interactionPolicy } from 'oidc-provider';
import { pastAbsoluteLifetime } from './session-ttl.js';

const { base, Check } = interactionPolicy;

export function createInteractionPolicy(opts: { maxSeconds: number; nowSeconds: () => number }) {
  const policy = base();
  const login = policy.get('login');
  if (!login) throw new Error('oidc-provider base policy has no login prompt');
  login.checks.add(
    new Check('session_max_age', 'The session reached its maximum lifetime', 'login_required', (ctx) =>
      pastAbsoluteLifetime(ctx.oidc.session?.loginTs, opts.nowSeconds(), opts.maxSeconds) && !ctx.oidc.result?.login
        ? Check.REQUEST_PROMPT
        : Check.NO_NEED_TO_PROMPT,
    ),
  );
  return policy;
}
