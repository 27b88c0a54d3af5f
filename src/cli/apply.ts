// `twofold apply FILE` and `twofold export`: organisations, clients and users as a declarative
// JSON or YAML file (src/cli/declarative.ts says what applying means). Apply prints what it
// created, updated or left alone, and the secrets of clients it created (once).
import { readFile } from 'node:fs/promises';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { systemClock } from '../clock.js';
import { AppError } from '../errors.js';
import { createLogger } from '../log.js';
import { flag, jsonOption, str, type Command } from './command.js';
import { applyDeclaration, clientDraftOf, exportDeclaration, parseDeclaration } from './declarative.js';
import { printJson, println } from './io.js';

async function readDeclarationFile(path: string, stdin: NodeJS.ReadableStream): Promise<unknown> {
  let text: string;
  try {
    if (path === '-') {
      const chunks: Buffer[] = [];
      for await (const chunk of stdin) chunks.push(Buffer.from(chunk as Buffer));
      text = Buffer.concat(chunks).toString('utf8');
    } else {
      text = await readFile(path, 'utf8');
    }
  } catch (err) {
    throw new AppError('not_found', 404, `cannot read ${path}: ${(err as Error).message}`);
  }
  if (text.length > 10 * 1024 * 1024) throw new AppError('invalid_input', 400, `${path} is larger than 10 MiB`);
  try {
    // YAML is a superset of JSON: one parser reads both
    return parseYaml(text, { prettyErrors: true, maxAliasCount: 100 });
  } catch (err) {
    throw new AppError('invalid_input', 400, `${path} is neither JSON nor YAML: ${(err as Error).message}`);
  }
}

const apply: Command = {
  name: 'apply',
  summary: 'create or update organisations, clients and users from a JSON/YAML file (idempotent)',
  usage: 'twofold apply FILE [--dry-run] [--json]',
  details: `FILE is a path, or - for standard input. Its form (the admin API's field names):

  organisations:
    - slug: acme
      name: ACME Corporation
      policy: { mode: required, mandatory_from: "2027-07-01T00:00:00Z", allowed_methods: [totp, webauthn] }
  clients:
    - client_id: billing
      client_name: Billing
      redirect_uris: [https://billing.acme.example/callback]
      require_mfa: true
  users:
    - email: ada@acme.example
      name: Ada Lovelace
      organisation: acme
      roles: [org_admin]
      email_verified: true

What exists and matches is left alone, what differs is updated, what is missing is created;
nothing is deleted. The whole file is checked first and written in one transaction: a problem
anywhere changes nothing. New confidential clients get a secret, printed once. New users have no
password: they set one with "Forgot your password?" or an invitation from the admin API.

Options:
  --dry-run   check and report what would change, write nothing
  --json      machine-readable output

Example:
  twofold export > twofold.yaml && twofold apply twofold.yaml    # changes nothing`,
  options: { 'dry-run': { type: 'boolean' }, ...jsonOption },
  positionals: { min: 1, max: 1 },
  async run(args, { io, config, withStorage }) {
    const declared = parseDeclaration(await readDeclarationFile(args.positionals[0]!, io.stdin));
    // oidc-provider's own check of every client, before the database is touched
    const { validateClientMetadata } = await import('./client-validation.js');
    for (const c of declared.clients) {
      const { metadata, firstParty, confidential } = clientDraftOf(c);
      await validateClientMetadata(
        { config: config(), clock: systemClock, log: createLogger('silent') },
        { ...metadata, client_id: c.client_id, first_party: firstParty, ...(confidential ? { client_secret: 'x'.repeat(43) } : {}) },
      ).catch((err: unknown) => {
        throw new AppError('invalid_input', 400, `client ${c.client_id}: ${(err as Error).message}`);
      });
    }
    const dryRun = flag(args, 'dry-run');
    const report = await withStorage((s) => applyDeclaration(s.db, s.box, declared, { dryRun }));
    if (args.values['json']) {
      printJson(io, { dry_run: dryRun, ...report });
      return;
    }
    for (const item of report.items) println(io.stdout, `${(dryRun ? `would be ${item.outcome}` : item.outcome).padEnd(20)}${item.kind.padEnd(14)}${item.id}${item.note ? `  (${item.note})` : ''}`);
    const counts = ['created', 'updated', 'unchanged'].map((o) => `${report.items.filter((i) => i.outcome === o).length} ${o}`).join(', ');
    println(io.stdout, `\n${dryRun ? 'Dry run, nothing written: ' : ''}${counts}.`);
    for (const [id, secret] of Object.entries(report.secrets)) println(io.stdout, `client_secret of ${id}: ${secret}`);
    if (Object.keys(report.secrets).length) println(io.stdout, 'The client secrets are shown only now: store them with the apps.');
  },
};

const exportCommand: Command = {
  name: 'export',
  summary: 'print every organisation, client and user as a file for apply (no secrets)',
  usage: 'twofold export [--format yaml|json]',
  details: `Client secrets and passwords are not exported: applying the file elsewhere creates clients
with new secrets and users without passwords.

Options:
  --format yaml|json   default yaml

Example:
  twofold export --format json > twofold.json`,
  options: { format: { type: 'string' } },
  async run(args, { io, withStorage }) {
    const format = str(args, 'format') ?? 'yaml';
    if (format !== 'yaml' && format !== 'json') throw new AppError('invalid_input', 400, `--format must be yaml or json (got ${JSON.stringify(format)})`);
    const declared = await withStorage((s) => exportDeclaration(s.db, s.box));
    io.stdout.write(format === 'json' ? `${JSON.stringify(declared, null, 2)}\n` : toYaml(declared));
  },
};

export const applyCommands: Command[] = [apply, exportCommand];
