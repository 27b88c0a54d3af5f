// An app's name in the words of a page or e-mail: our own profile's client is named by the catalogue.
import { accountClientName } from '../oidc/account-client.js';
import type { Translator } from './i18n.js';

/**
 * The name as this page's language says it: our own profile's client ("Twofold account") has
 * its name in the catalogue; an app's registered name is shown as registered.
 */
export function localClientName<T extends string | undefined>(tr: Translator, name: T): T | string {
  return name === accountClientName ? tr.t('account_client_name') : name;
}
