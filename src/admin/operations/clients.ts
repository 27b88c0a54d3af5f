// What administrators do to clients, shared by the JSON API (/admin/v1/clients) and the console
// (/admin/clients): our rules (draftClient), then oidc-provider's; a secret made here and shown
// once; every change audited with who made it. Only the admin role manages clients.
import { randomBytes } from 'node:crypto';
import { clientIdFor } from '../../cli/client-metadata.js';
import { validateClientMetadata } from '../../cli/client-validation.js';
import type { Clock } from '../../clock.js';
import type { Config } from '../../config/index.js';
import type { Logger } from '../../log.js';
import type { AuditLog } from '../../storage/postgres/audit.js';
import type { ClientRecord, ClientsRepo } from '../../storage/postgres/clients.js';
import { actor, requireRole, type AdminPrincipal } from '../auth.js';
import type { ClientInput } from '../client-schemas.js';
import { clientView, draftFromInput, inputOf } from '../client-input.js';

export { clientView, draftFromInput, inputOf };
import { ApiError, notFound } from '../errors.js';

export interface ClientOpsDeps {
  config: Config;
  clock: Clock;
  log: Logger;
  clients: ClientsRepo;
  audit: AuditLog;
}

const newSecret = () => randomBytes(32).toString('base64url');

/** Metadata from the API's input: our rules (draftFromInput), then oidc-provider's (validateClientMetadata). */
async function metadataFor(deps: ClientOpsDeps, clientId: string, input: Omit<ClientInput, 'client_id'>) {
  const drafted = draftFromInput(input);
  // oidc-provider wants a secret for a confidential client: a throwaway one (the real one is made by the caller)
  const secret = drafted.confidential ? { client_secret: newSecret() } : {};
  await validateClientMetadata(deps, { ...drafted.metadata, ...secret, client_id: clientId, first_party: drafted.firstParty }).catch((err: unknown) => {
    if (err instanceof Error && 'code' in err && err.code === 'invalid_input') throw new ApiError(400, 'invalid_request', err.message, {}, { '(body)': [err.message] });
    throw err;
  });
  return drafted;
}

/** A new client; its secret (confidential clients) is returned once and stored only sealed (AES-256-GCM). */
export async function createClient(deps: ClientOpsDeps, p: AdminPrincipal, input: ClientInput): Promise<{ saved: ClientRecord; secret: string | null }> {
  requireRole(p, 'admin');
  const clientId = input.client_id ?? clientIdFor(input.client_name, randomBytes(4).toString('hex'));
  if (await deps.clients.find(clientId)) throw new ApiError(409, 'conflict', `a client with client_id ${clientId} already exists`);
  const { metadata, firstParty, confidential } = await metadataFor(deps, clientId, input);
  const secret = confidential ? newSecret() : null;
  const saved = await deps.clients.save({ clientId, metadata, firstParty, secret });
  await deps.audit.record({ type: 'client.created', clientId, details: { ...actor(p), firstParty, public: !confidential, grantTypes: metadata['grant_types'] } });
  return { saved, secret };
}

export async function findClient(deps: ClientOpsDeps, p: AdminPrincipal, clientId: string): Promise<ClientRecord> {
  requireRole(p, 'admin');
  const found = await deps.clients.find(clientId);
  if (!found) throw notFound('client');
  return found;
}

/** Change any field but the id; a public client made confidential gets a secret (returned once). */
export async function updateClient(deps: ClientOpsDeps, p: AdminPrincipal, clientId: string, change: Partial<Omit<ClientInput, 'client_id'>>): Promise<{ saved: ClientRecord; secret: string | null }> {
  const found = await findClient(deps, p, clientId);
  const next = { ...inputOf(found), ...change };
  const { metadata, firstParty, confidential } = await metadataFor(deps, found.clientId, next);
  // a public client made confidential needs a secret (shown once); the other way round loses it
  const secret = confidential && !found.hasSecret ? newSecret() : confidential ? undefined : null;
  const saved = await deps.clients.save({ clientId: found.clientId, metadata, firstParty, ...(secret !== undefined ? { secret } : {}) });
  await deps.audit.record({ type: 'client.updated', clientId: found.clientId, details: { ...actor(p), fields: Object.keys(change) } });
  return { saved, secret: secret ?? null };
}

export async function rotateClientSecret(deps: ClientOpsDeps, p: AdminPrincipal, clientId: string): Promise<{ saved: ClientRecord; secret: string }> {
  const found = await findClient(deps, p, clientId);
  if (!found.hasSecret) throw new ApiError(409, 'conflict', 'a public client has no secret to rotate');
  const secret = newSecret();
  const saved = await deps.clients.save({ clientId: found.clientId, metadata: found.metadata, firstParty: found.firstParty, secret });
  await deps.audit.record({ type: 'client.updated', clientId: found.clientId, details: { ...actor(p), change: 'secret_rotated' } });
  return { saved, secret };
}

export async function deleteClient(deps: ClientOpsDeps, p: AdminPrincipal, clientId: string): Promise<void> {
  await findClient(deps, p, clientId);
  await deps.clients.delete(clientId);
  await deps.audit.record({ type: 'client.deleted', clientId, details: actor(p) });
}
