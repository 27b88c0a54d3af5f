// Load the interaction a request belongs to. A missing or expired interaction (cookie gone,
// page left open past its lifetime, finished in another tab, or the session behind it idled
// out) is not a server error: it becomes InteractionExpired, rendered as a page that says
// what to do.
import type { Context } from 'koa';
import { errors } from 'oidc-provider';
import { AppError } from '../src/errors.js';
import { touchSession } from '../src/oidc/session-activity.js';
import type { InteractionDeps } from './context.js';
import { rememberUiLocales } from './render.js';

export type InteractionDetails = Awaited<ReturnType<ReturnType<InteractionDeps['provider']>['interactionDetails']>>;

export async function loadInteraction(ctx: Context, deps: InteractionDeps): Promise<InteractionDetails> {
  let details: InteractionDetails;
  try {
    details = await deps.provider().interactionDetails(ctx.req, ctx.res);
  } catch (err) {
    if (err instanceof errors.SessionNotFound) {
      throw new AppError('interaction_expired', 400, err.error_description ?? 'interaction not found', { cause: err });
    }
    throw err;
  }
  // The cookie names the interaction; the URL must name the same one.
  if (details.uid !== ctx.params['uid']) {
    throw new AppError('interaction_expired', 400, 'interaction in the URL does not match the cookie');
  }
  rememberUiLocales(ctx, details.params['ui_locales']);
  // A step of an interaction that belongs to a signed-in session is user activity.
  if (details.session?.accountId) {
    await touchSession(ctx, deps.provider(), {
      idleLimits: deps.sessionIdle,
      maxSeconds: deps.config.session.maxSeconds,
      secureCookies: deps.config.secureCookies,
      nowSeconds: () => Math.floor(deps.clock.now() / 1000),
    });
  }
  return details;
}
