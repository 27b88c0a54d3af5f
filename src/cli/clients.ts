// `twofold clients ...`: register, list, show and delete relying parties. The secret is made
// here, printed once and stored only sealed (clientsRepo encrypts it under ENCRYPTION_KEY).
import { randomBytes } from 'node:crypto';
import { systemClock } from '../clock.js';
import { AppError } from '../errors.js';
import { createLogger } from '../log.js';
import type { ClientRecord } from '../storage/postgres/clients.js';
import { clientIdFor, clientIdPattern, draftClient, grantTypes } from './client-metadata.js';
import { flag, jsonOption, required, str, strs, type Command, type ParsedCommandArgs } from './command.js';
import { printJson, println } from './io.js';
import { fields, formatTime, plural, table } from './output.js';

const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);

function summary(record: ClientRecord) {
  const m = record.metadata;
  return {
    client_id: record.clientId,
    client_name: typeof m['client_name'] === 'string' ? m['client_name'] : '',
    first_party: record.firstParty,
    confidential: record.hasSecret,
    token_endpoint_auth_method: m['token_endpoint_auth_method'] ?? 'client_secret_basic',
    grant_types: list(m['grant_types']),
    redirect_uris: list(m['redirect_uris']),
    post_logout_redirect_uris: list(m['post_logout_redirect_uris']),
    require_mfa: m['require_mfa'] === true,
    admin_api: String(m['scope'] ?? '')
      .split(' ')
      .includes('admin'),
    created_at: record.createdAt.toISOString(),
    updated_at: record.updatedAt.toISOString(),
  };
}

function describe(record: ClientRecord, secret?: string): string {
  const s = summary(record);
  const pairs: Array<[string, string]> = [
    ['client_id', s.client_id],
    ...(secret ? ([['client_secret', secret]] as Array<[string, string]>) : []),
    ['name', s.client_name],
    ['kind', `${s.first_party ? 'first-party (no consent page)' : 'third-party (users see a consent page)'}, ${s.confidential ? 'confidential' : 'public (PKCE only, no secret)'}`],
    ['token auth', String(s.token_endpoint_auth_method)],
    ['grant types', s.grant_types.join(', ')],
    ['second factor', s.require_mfa ? 'required for every sign-in' : 'when the user has one, or the request asks for it'],
    ...(s.admin_api ? ([['admin API', 'may get tokens with the admin scope']] as Array<[string, string]>) : []),
  ];
  if (s.redirect_uris.length) pairs.push(['redirect URIs', s.redirect_uris.join('\n')]);
  if (s.post_logout_redirect_uris.length) pairs.push(['logout redirects', s.post_logout_redirect_uris.join('\n')]);
  pairs.push(['created', formatTime(record.createdAt)]);
  return fields(pairs);
}

const create: Command = {
  name: 'clients create',
  summary: 'register a relying party; prints its secret once',
  usage: 'twofold clients create --name NAME --redirect-uri URI [--redirect-uri URI ...] [options]\n       twofold clients create --name NAME --client-credentials',
  details: `Options:
  --name NAME                      shown on the consent page and in lists (required)
  --redirect-uri URI               where users come back after signing in; repeat for several.
                                   https, or http on 127.0.0.1, [::1] or localhost only; no #fragment
  --post-logout-redirect-uri URI   where users may be sent after logging out; repeatable
  --id ID                          the client_id (default: made from the name plus random characters)
  --public                         no secret (token_endpoint_auth_method none, PKCE only): for
                                   single-page and native apps that cannot keep a secret
  --third-party                    users see a consent page (default: first-party, no consent)
  --grant-type TYPE                ${grantTypes.join(', ')}; repeatable
                                   (default: authorization_code and refresh_token)
  --client-credentials             a machine client: client_credentials only, no redirect URIs
  --require-mfa                    every sign-in to this app needs a second factor (users
                                   without one set one up during the sign-in)
  --admin-api                      the client may get tokens with the admin scope for the admin
                                   API (/admin/v1): with --client-credentials for scripts
  --json                           machine-readable output

Example:
  twofold clients create --name "Billing portal" --redirect-uri https://billing.example.com/callback`,
  options: {
    name: { type: 'string' },
    'redirect-uri': { type: 'string', multiple: true },
    'post-logout-redirect-uri': { type: 'string', multiple: true },
    id: { type: 'string' },
    public: { type: 'boolean' },
    'third-party': { type: 'boolean' },
    'grant-type': { type: 'string', multiple: true },
    'client-credentials': { type: 'boolean' },
    'require-mfa': { type: 'boolean' },
    'admin-api': { type: 'boolean' },
    ...jsonOption,
  },
  async run(args, { io, config, withStorage }) {
    const draft = draftClient({
      name: required(args, 'name'),
      redirectUris: strs(args, 'redirect-uri'),
      postLogoutRedirectUris: strs(args, 'post-logout-redirect-uri'),
      isPublic: flag(args, 'public'),
      thirdParty: flag(args, 'third-party'),
      grantTypes: strs(args, 'grant-type'),
      clientCredentials: flag(args, 'client-credentials'),
      requireMfa: flag(args, 'require-mfa'),
      adminApi: flag(args, 'admin-api'),
    });
    const clientId = str(args, 'id') ?? clientIdFor(String(draft.metadata['client_name']), randomBytes(4).toString('hex'));
    if (!clientIdPattern.test(clientId)) throw new AppError('invalid_input', 400, '--id must be 3 to 128 characters: letters, digits and . _ ~ -');
    const secret = draft.confidential ? randomBytes(32).toString('base64url') : null;

    // oidc-provider's own check needs no database: it runs while the database opens
    const validated = import('./client-validation.js').then(({ validateClientMetadata }) =>
      validateClientMetadata(
        { config: config(), clock: systemClock, log: createLogger('silent') },
        { ...draft.metadata, client_id: clientId, first_party: draft.firstParty, ...(secret ? { client_secret: secret } : {}) },
      ),
    );
    validated.catch(() => {}); // awaited below; this only keeps an early failure from going unhandled
    const { record } = await withStorage(async (s) => {
      await validated;
      // save() replaces an existing client: refuse instead of overwriting someone's app
      if (await s.clients.find(clientId)) throw new AppError('conflict', 409, `a client with id ${clientId} already exists`);
      const saved = await s.clients.save({ clientId, metadata: draft.metadata, firstParty: draft.firstParty, secret });
      await s.audit.record({ type: 'client.created', clientId, details: { by: 'cli', firstParty: draft.firstParty, public: !draft.confidential, grantTypes: draft.metadata['grant_types'] } });
      return { record: saved };
    });

    if (args.values['json']) {
      printJson(io, { ...summary(record), ...(secret ? { client_secret: secret } : {}) });
      return;
    }
    println(io.stdout, `Created client ${record.clientId}.`);
    println(io.stdout, describe(record, secret ?? undefined));
    if (secret) println(io.stdout, '\nThe client secret is shown only now: store it with the app. Twofold keeps it encrypted and cannot show it again.');
  },
};

const listCommand: Command = {
  name: 'clients list',
  summary: 'list the registered clients',
  usage: 'twofold clients list [--json]',
  details: 'Example:\n  twofold clients list --json',
  options: { ...jsonOption },
  async run(args, { io, withStorage }) {
    const records = await withStorage((s) => s.clients.list());
    if (args.values['json']) {
      printJson(io, records.map(summary));
      return;
    }
    if (!records.length) {
      println(io.stdout, 'No clients yet. Register one with: twofold clients create --name NAME --redirect-uri URI');
      return;
    }
    const rows = records.map((r) => {
      const s = summary(r);
      return [s.client_id, s.client_name, s.first_party ? 'first' : 'third', s.confidential ? 'confidential' : 'public', s.grant_types.join(','), s.redirect_uris[0] ?? '-', formatTime(r.createdAt)];
    });
    println(io.stdout, table(['CLIENT ID', 'NAME', 'PARTY', 'TYPE', 'GRANTS', 'REDIRECT URI', 'CREATED'], rows));
    println(io.stdout, `\n${plural(records.length, 'client')}`);
  },
};

const clientIdArg = (args: ParsedCommandArgs) => args.positionals[0]!;

const show: Command = {
  name: 'clients show',
  summary: 'show one client (never its secret)',
  usage: 'twofold clients show CLIENT_ID [--json]',
  details: 'Example:\n  twofold clients show billing-portal-3f9a0c1d',
  options: { ...jsonOption },
  positionals: { min: 1, max: 1 },
  async run(args, { io, withStorage }) {
    const id = clientIdArg(args);
    const record = await withStorage((s) => s.clients.find(id));
    if (!record) throw new AppError('not_found', 404, `no client with id ${id} (see: twofold clients list)`);
    if (args.values['json']) printJson(io, { ...summary(record), metadata: record.metadata });
    else println(io.stdout, describe(record));
  },
};

const remove: Command = {
  name: 'clients delete',
  summary: 'delete a client: it can no longer sign users in or get tokens',
  usage: 'twofold clients delete CLIENT_ID [--json]',
  details: 'Example:\n  twofold clients delete billing-portal-3f9a0c1d',
  options: { ...jsonOption },
  positionals: { min: 1, max: 1 },
  async run(args, { io, withStorage }) {
    const id = clientIdArg(args);
    const deleted = await withStorage(async (s) => {
      const ok = await s.clients.delete(id);
      if (ok) await s.audit.record({ type: 'client.deleted', clientId: id, details: { by: 'cli' } });
      return ok;
    });
    if (!deleted) throw new AppError('not_found', 404, `no client with id ${id} (see: twofold clients list)`);
    if (args.values['json']) printJson(io, { client_id: id, deleted: true });
    else println(io.stdout, `Deleted client ${id}.`);
  },
};

export const clientCommands: Command[] = [create, listCommand, show, remove];
