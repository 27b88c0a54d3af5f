// `twofold orgs ...`: the organisations (customer contracts) that users belong to.
import { AppError } from '../errors.js';
import type { Organisation } from '../storage/postgres/organisations.js';
import { jsonOption, required, type Command } from './command.js';
import { printJson, println } from './io.js';
import { formatTime, plural, table } from './output.js';

export const slugPattern = /^[a-z0-9][a-z0-9-]{0,62}$/;

export function checkSlug(slug: string, option = '--slug'): string {
  if (!slugPattern.test(slug)) throw new AppError('invalid_input', 400, `${option} must be 1 to 63 lower-case letters, digits and -, starting with a letter or digit (got ${JSON.stringify(slug)})`);
  return slug;
}

export function checkOrgName(name: string, option = '--name'): string {
  const trimmed = name.trim();
  if (!trimmed || trimmed.length > 200) throw new AppError('invalid_input', 400, `${option} must be 1 to 200 characters`);
  return trimmed;
}

const toJson = (o: Organisation) => ({ id: o.id, slug: o.slug, name: o.name, created_at: o.createdAt.toISOString() });

const create: Command = {
  name: 'orgs create',
  summary: 'create an organisation',
  usage: 'twofold orgs create --slug SLUG --name NAME [--json]',
  details: `Options:
  --slug SLUG   short unique identifier: lower-case letters, digits and -
  --name NAME   display name
  --json        machine-readable output

Example:
  twofold orgs create --slug acme --name "ACME Corporation"`,
  options: { slug: { type: 'string' }, name: { type: 'string' }, ...jsonOption },
  async run(args, { io, withStorage }) {
    const slug = checkSlug(required(args, 'slug'));
    const name = checkOrgName(required(args, 'name'));
    const org = await withStorage(async (s) => {
      // save() renames an existing organisation: refuse instead
      if (await s.organisations.findBySlug(slug)) throw new AppError('conflict', 409, `an organisation with slug ${slug} already exists`);
      return s.organisations.save({ slug, name });
    });
    if (args.values['json']) printJson(io, toJson(org));
    else println(io.stdout, `Created organisation ${org.slug} (${org.name}), id ${org.id}.`);
  },
};

const list: Command = {
  name: 'orgs list',
  summary: 'list the organisations',
  usage: 'twofold orgs list [--json]',
  details: 'Example:\n  twofold orgs list',
  options: { ...jsonOption },
  async run(args, { io, withStorage }) {
    const orgs = await withStorage((s) => s.organisations.list());
    if (args.values['json']) {
      printJson(io, orgs.map(toJson));
      return;
    }
    if (!orgs.length) {
      println(io.stdout, 'No organisations yet. Create one with: twofold orgs create --slug SLUG --name NAME');
      return;
    }
    println(
      io.stdout,
      table(
        ['SLUG', 'NAME', 'ID', 'CREATED'],
        orgs.map((o) => [o.slug, o.name, o.id, formatTime(o.createdAt)]),
      ),
    );
    println(io.stdout, `\n${plural(orgs.length, 'organisation')}`);
  },
};

export const orgCommands: Command[] = [create, list];
