// The one place a sign-in step ends: tell oidc-provider what happened and send the browser
// back to the authorization endpoint. `amr` must list exactly what the user proved.
import type { Context } from 'koa';
import type { InteractionResults } from 'oidc-provider';
import { acrFor } from '../src/oidc/authentication.js';
import type { InteractionDeps } from './context.js';

async function finish(ctx: Context, deps: InteractionDeps, result: InteractionResults, merge: boolean): Promise<void> {
  const returnTo = await deps.provider().interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: merge });
  ctx.status = 303;
  ctx.redirect(returnTo);
}

export function finishLogin(ctx: Context, deps: InteractionDeps, login: { accountId: string; amr: string[]; rememberedDevice?: boolean }): Promise<void> {
  return finish(
    ctx,
    deps,
    {
      login: {
        accountId: login.accountId,
        amr: login.amr,
        acr: acrFor(login.amr, { rememberedDevice: login.rememberedDevice ?? false }),
        remember: true,
        ts: Math.floor(deps.clock.now() / 1000),
      },
    },
    false,
  );
}

export function finishConsent(ctx: Context, deps: InteractionDeps, grantId: string): Promise<void> {
  return finish(ctx, deps, { consent: { grantId } }, true);
}

export function finishWithError(ctx: Context, deps: InteractionDeps, error: string, description: string): Promise<void> {
  return finish(ctx, deps, { error, error_description: description }, false);
}
