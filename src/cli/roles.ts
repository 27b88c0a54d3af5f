// `twofold users roles`: who may administer the provider. The first administrator is made here
// (bootstrap): an account with the admin role signs in to the admin console and, through a
// client registered with --admin-api, calls the admin API.
import { AppError } from '../errors.js';
import { roles, type Role } from '../storage/postgres/roles.js';
import { jsonOption, required, str, type Command } from './command.js';
import { printJson, println } from './io.js';

function parseRoles(value: string): Role[] {
  if (value === 'none') return [];
  const wanted = [
    ...new Set(
      value
        .split(',')
        .map((r) => r.trim())
        .filter(Boolean),
    ),
  ];
  const unknown = wanted.filter((r) => !(roles as readonly string[]).includes(r));
  if (unknown.length || !wanted.length) throw new AppError('invalid_input', 400, `--set takes ${roles.join(', ')} (comma-separated) or none; got ${JSON.stringify(value)}`);
  return wanted as Role[];
}

const rolesCommand: Command = {
  name: 'users roles',
  summary: "show or set a user's administrative roles (bootstrap the first admin)",
  usage: 'twofold users roles --email EMAIL [--set admin|org_admin|admin,org_admin|none] [--json]',
  details: `Options:
  --email EMAIL   the account
  --set ROLES     give exactly these roles: admin (everything), org_admin (the users and
                  policy of the account's own organisation), or none. Without --set: show them.
  --json          machine-readable output

Example (the first administrator):
  twofold users roles --email ada@example.com --set admin`,
  options: { email: { type: 'string' }, set: { type: 'string' }, ...jsonOption },
  async run(args, { io, withStorage }) {
    const email = required(args, 'email').trim();
    const setTo = str(args, 'set');
    const wanted = setTo === undefined ? undefined : parseRoles(setTo);
    const result = await withStorage(async (s) => {
      const account = await s.accounts.findByEmail(email);
      if (!account) throw new AppError('not_found', 404, `no account with e-mail ${email}`);
      if (wanted) {
        const before = await s.roles.of(account.id);
        await s.roles.set(account.id, wanted);
        await s.audit.record({ type: 'account.roles_changed', accountId: account.id, details: { by: 'cli', before, after: wanted } });
      }
      return { account, roles: await s.roles.of(account.id) };
    });
    if (args.values['json']) printJson(io, { id: result.account.id, email: result.account.email, roles: result.roles });
    else println(io.stdout, `${result.account.email}: ${result.roles.length ? result.roles.join(', ') : 'no administrative role'}`);
  },
};

export const roleCommands: Command[] = [rolesCommand];
