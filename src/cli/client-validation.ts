// Validate client metadata exactly as the server will read it: a Provider built by the same
// createProvider (same response types, PKCE, extra metadata, algorithms) checks it with
// oidc-provider's own Client.validate. Imported on demand: loading oidc-provider is the
// slowest part of the CLI, and only `clients create` needs it.
import { randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import type { ClientMetadata, errors } from 'oidc-provider';
import { createSecretBox } from '../crypto/secret-box.js';
import { AppError } from '../errors.js';
import { signingAlgs } from '../keys/signing-keys.js';
import { createAdapterClass } from '../oidc/adapter.js';
import type { ProviderPages } from '../oidc/pages.js';
import { createProvider } from '../oidc/provider.js';
import { createMemoryStore } from '../storage/short-lived/memory-store.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config/index.js';
import type { Logger } from '../log.js';
import type { AccountsRepo } from '../storage/postgres/accounts.js';
import type { AuditLog } from '../storage/postgres/audit.js';

/**
 * Throwaway keys, one per algorithm the server signs with: oidc-provider accepts a client's
 * signing algorithms only when its key set holds a key for them. They sign nothing and are
 * never stored.
 */
let generated: Promise<{ keys: JWK[] }> | undefined;
const throwawayKeys = () => (generated ??= generateKeys());

async function generateKeys(): Promise<{ keys: JWK[] }> {
  const keys = await Promise.all(
    signingAlgs.map(async (alg) => {
      const { privateKey } = await generateKeyPair(alg, { extractable: true });
      return { ...(await exportJWK(privateKey)), alg, use: 'sig', kid: `validation-only-${alg.toLowerCase()}` };
    }),
  );
  return { keys };
}

const noPages: ProviderPages = {
  renderError: () => Promise.reject(new Error('not used for validation')),
  logoutSource: () => Promise.reject(new Error('not used for validation')),
  postLogoutSuccessSource: () => Promise.reject(new Error('not used for validation')),
};

// Validation looks up no account and records no event; the provider only needs something there.
const noAccounts = { findById: async () => undefined } as unknown as AccountsRepo;
const noAudit = { record: async () => {} } as unknown as AuditLog;
const noSessions = { secondsFor: () => 1, prepare: async () => 1 };

/**
 * Throws invalid_input with oidc-provider's description when it refuses the metadata. Needs no
 * database, so the CLI runs it while the database opens.
 */
export async function validateClientMetadata(deps: { config: Config; clock: Clock; log: Logger }, metadata: Record<string, unknown> & { client_id: string }): Promise<void> {
  const provider = createProvider({
    ...deps,
    Adapter: createAdapterClass(createMemoryStore(deps.clock), { findMetadata: async () => undefined }, createSecretBox(randomBytes(32))),
    accounts: noAccounts,
    audit: noAudit,
    jwks: await throwawayKeys(),
    pages: noPages,
    sessionIdle: noSessions,
  });
  try {
    await provider.Client.validate(metadata as ClientMetadata);
  } catch (err) {
    const e = err as errors.OIDCProviderError;
    if (e.error === 'invalid_client_metadata' || e.error === 'invalid_redirect_uri') {
      throw new AppError('invalid_input', 400, `invalid client metadata: ${e.error_description ?? e.message}`);
    }
    throw err;
  }
}
