// What every interaction route needs, built once in src/services.ts and passed in.
import type Provider from 'oidc-provider';
import type { Clock } from '../src/clock.js';
import type { Config } from '../src/config/index.js';
import type { Csrf } from '../src/http/csrf.js';
import type { Logger } from '../src/log.js';
import type { PasswordHasher } from '../src/passwords/hasher.js';
import type { AccountsRepo } from '../src/storage/postgres/accounts.js';
import type { AuditLog } from '../src/storage/postgres/audit.js';
import type { I18n } from './i18n.js';
import type { Views } from './views.js';

export interface InteractionDeps {
  /** the provider in service now (it is rebuilt when signing keys change) */
  provider(): Provider;
  accounts: AccountsRepo;
  hasher: PasswordHasher;
  audit: AuditLog;
  csrf: Csrf;
  views: Views;
  i18n: I18n;
  config: Config;
  clock: Clock;
  log: Logger;
}
