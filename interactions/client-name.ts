// The name a page shows for the app that sent the user here.
import { accountClientName } from '../src/oidc/account-client.js';
import type { InteractionDeps } from './context.js';
import type { Translator } from './i18n.js';

export async function clientName(deps: Pick<InteractionDeps, 'provider'>, clientId: unknown): Promise<string | undefined> {
  if (typeof clientId !== 'string') return undefined;
  const client = await deps
    .provider()
    .Client.find(clientId)
    .catch(() => undefined);
  return client ? (client.clientName ?? client.clientId) : undefined;
}

/**
 * The name as this page's language says it: our own profile's client ("Twofold account") has
 * its name in the catalogue; an app's registered name is shown as registered.
 */
export function localClientName<T extends string | undefined>(tr: Translator, name: T): T | string {
  return name === accountClientName ? tr.t('account_client_name') : name;
}
