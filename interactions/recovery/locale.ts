// The language of each successful sign-in is kept on the account: security e-mails, which are
// sent without a browser to ask, are written in it.
import type { Context } from 'koa';
import type { InteractionDeps } from '../context.js';
import type { InteractionDetails } from '../load.js';
import { translatorFor } from '../render.js';

export async function rememberLocale(ctx: Context, deps: InteractionDeps, details: InteractionDetails, accountId: string): Promise<void> {
  const lang = translatorFor(ctx, deps.i18n, details.params['ui_locales'] as string | undefined).lang;
  await deps.accounts.saveLocale(accountId, lang);
}
