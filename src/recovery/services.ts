// What account recovery adds to the services (built once in src/services.ts): single-use
// e-mail links, scheduled factor resets, the security-e-mail notifier around the audit log, and
// the hooks run when an account's remembered devices must be forgotten.
import { createHmac } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Config } from '../config/index.js';
import { createLinks, type Links } from '../links/links.js';
import type { Logger } from '../log.js';
import type { Mailer } from '../mail/mailer.js';
import type { AccountsRepo } from '../storage/postgres/accounts.js';
import type { Db } from '../storage/postgres/db.js';
import { createFactorResetsRepo, type FactorResetsRepo } from '../storage/postgres/factor-resets.js';
import type { FactorsRepo } from '../storage/postgres/factors.js';
import type { ShortLivedStore } from '../storage/short-lived/store.js';
import type { I18n } from '../i18n/i18n.js';
import { createSecurityNotifier, type SecurityNotifier } from './security-emails.js';

export interface RecoveryServices {
  links: Links;
  factorResets: FactorResetsRepo;
  securityEmails: SecurityNotifier;
}

export function createRecoveryServices(deps: {
  config: Config;
  db: Db;
  store: ShortLivedStore;
  clock: Clock;
  mailer: Mailer;
  i18n: I18n;
  log: Logger;
  accounts: AccountsRepo;
  factors: FactorsRepo;
}): RecoveryServices {
  const links = createLinks({
    store: deps.store,
    clock: deps.clock,
    key: createHmac('sha256', deps.config.encryptionKey).update('twofold e-mail links v1').digest(),
    issuer: deps.config.issuer,
  });
  return {
    links,
    factorResets: createFactorResetsRepo(deps.db),
    securityEmails: createSecurityNotifier({ ...deps, links }),
  };
}
