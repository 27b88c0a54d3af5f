// Every Postgres repository over one pool, built the same way by the server, the CLI and the
// tests.
import type { SecretBox } from '../../crypto/secret-box.js';
import { createAccountAdminRepo } from './account-admin.js';
import { createAccountsRepo } from './accounts.js';
import { createAuditLog } from './audit.js';
import { createClientsRepo } from './clients.js';
import type { Db } from './db.js';
import { createFactorsRepo } from './factors.js';
import { createOrganisationsRepo } from './organisations.js';
import { createRecoveryCodesRepo } from './recovery-codes.js';
import { createRolesRepo } from './roles.js';
import { createSigningKeysRepo } from './signing-keys.js';
import { createTwoFactorExemptionsRepo } from './twofa-exemptions.js';

export function createRepositories(db: Db, box: SecretBox, opts: { onClientChange?: (clientId: string) => void; onOrganisationChange?: (organisationId: string) => void } = {}) {
  return {
    accounts: createAccountsRepo(db),
    accountAdmin: createAccountAdminRepo(db),
    clients: createClientsRepo(db, box, opts.onClientChange ? { onChange: opts.onClientChange } : {}),
    organisations: createOrganisationsRepo(db, opts.onOrganisationChange ? { onChange: opts.onOrganisationChange } : {}),
    audit: createAuditLog(db, { groupCommit: true }),
    factors: createFactorsRepo(db),
    recoveryCodes: createRecoveryCodesRepo(db),
    roles: createRolesRepo(db),
    signingKeys: createSigningKeysRepo(db),
    twoFactorExemptions: createTwoFactorExemptionsRepo(db),
  };
}

export type Repositories = ReturnType<typeof createRepositories>;
