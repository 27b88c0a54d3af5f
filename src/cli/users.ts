// `twofold users create`: an account with a password, in an existing organisation (or one made
// on the spot with --create-org). The password never appears on the command line, must pass
// the same policy as the sign-up and reset pages, and is stored only as an argon2id hash.
import { AppError } from '../errors.js';
import { createPasswordHasher } from '../passwords/hasher.js';
import { checkNewPassword, passwordLimits, type PasswordProblem } from '../passwords/policy.js';
import { flag, jsonOption, required, str, type Command } from './command.js';
import { printJson, println } from './io.js';
import { checkOrgName, checkSlug } from './orgs.js';
import { readNewPassword } from './password-input.js';
import { sendConfirmationFromCli } from './send-confirmation.js';
import { createRememberedDevicesRepo } from '../storage/postgres/remembered-devices.js';

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const passwordProblems: Record<PasswordProblem, string> = {
  too_short: `the password is too short: at least ${passwordLimits.min} characters`,
  too_long: `the password is too long: at most ${passwordLimits.max} characters`,
  common: 'the password is on the list of commonly used passwords (or is the e-mail address): choose another; a few unrelated words make a good one',
};

const create: Command = {
  name: 'users create',
  summary: 'create a user with a password',
  usage: 'twofold users create --email EMAIL --name NAME --org SLUG [--create-org] [--password-stdin] [--email-verified] [--json]',
  details: `Options:
  --email EMAIL       the sign-in name; unique (case-insensitive)
  --name NAME         display name (the "name" claim)
  --org SLUG          the organisation the user belongs to; it must exist, unless --create-org
  --create-org        create the organisation if it does not exist
  --org-name NAME     its display name with --create-org (default: the slug)
  --password-stdin    read the password from standard input (one trailing newline is dropped);
                      without it, the password is asked on the terminal. Never on the command line.
  --email-verified    the e-mail address is known to be the user's (the email_verified claim);
                      default: not verified
  --json              machine-readable output

Example:
  printf '%s\\n' "$PASSWORD" | twofold users create --email ada@example.com --name "Ada Lovelace" --org acme --password-stdin`,
  options: {
    email: { type: 'string' },
    name: { type: 'string' },
    org: { type: 'string' },
    'create-org': { type: 'boolean' },
    'org-name': { type: 'string' },
    'password-stdin': { type: 'boolean' },
    'email-verified': { type: 'boolean' },
    ...jsonOption,
  },
  async run(args, { io, withStorage }) {
    const email = required(args, 'email').trim();
    if (email.length > 254 || !emailPattern.test(email)) throw new AppError('invalid_input', 400, `--email ${JSON.stringify(email)} is not an e-mail address`);
    const name = required(args, 'name').trim();
    if (name.length > 200) throw new AppError('invalid_input', 400, '--name must be at most 200 characters');
    const slug = checkSlug(required(args, 'org'), '--org');
    const createOrg = flag(args, 'create-org');
    const orgNameOption = str(args, 'org-name');
    if (orgNameOption !== undefined && !createOrg) throw new AppError('bad_request', 400, '--org-name goes with --create-org');
    const orgName = checkOrgName(orgNameOption ?? slug, '--org-name');

    // Asked before the database is opened, so an embedded database is not held during typing.
    const password = await readNewPassword(io, flag(args, 'password-stdin'));
    const problem = checkNewPassword(password, { email });
    if (problem) throw new AppError('weak_password', 400, passwordProblems[problem]);

    const { account, org, orgCreated, confirmation } = await withStorage(async (s) => {
      let org = await s.organisations.findBySlug(slug);
      const orgCreated = !org && createOrg;
      if (!org) {
        if (!createOrg) throw new AppError('not_found', 404, `no organisation ${slug}: create it first (twofold orgs create --slug ${slug} --name NAME) or pass --create-org`);
        org = await s.organisations.save({ slug, name: orgName });
      }
      if (await s.accounts.findByEmail(email)) throw new AppError('conflict', 409, `an account with e-mail ${email} already exists`);
      const hasher = await createPasswordHasher();
      const account = await s.accounts.save({ organisationId: org.id, email, name, emailVerified: flag(args, 'email-verified'), passwordHash: await hasher.hash(password) });
      // a concurrent create of the same address loses here (unique index), not with a crash
      if (!account) throw new AppError('conflict', 409, `an account with e-mail ${email} already exists`);
      await s.audit.record({ type: 'account.created', accountId: account.id, details: { by: 'cli', organisation: org.slug } });
      // an unconfirmed address gets a confirmation link (when Redis and SMTP are configured)
      const confirmation = account.emailVerified ? undefined : await sendConfirmationFromCli(s, account);
      return { account, org, orgCreated, confirmation };
    });

    if (args.values['json']) {
      printJson(io, {
        id: account.id,
        email: account.email,
        name: account.name,
        email_verified: account.emailVerified,
        organisation: org.slug,
        organisation_created: orgCreated,
        confirmation_sent: confirmation?.sent ?? false,
      });
      return;
    }
    if (orgCreated) println(io.stdout, `Created organisation ${org.slug} (${org.name}).`);
    println(io.stdout, `Created user ${account.email} (${account.name}) in organisation ${org.slug}, id ${account.id}.`);
    if (confirmation?.sent) println(io.stdout, `Sent a link to confirm ${account.email}.`);
    else if (confirmation) println(io.stdout, `No confirmation link was sent (${confirmation.reason}): the user can send one from My profile.`);
  },
};

/**
 * `twofold users flag|unflag`: while an account is flagged, a remembered device never skips its
 * second factor (and the sign-in page says an administrator asked for it).
 */
function flagCommand(flagged: boolean): Command {
  const word = flagged ? 'flag' : 'unflag';
  return {
    name: `users ${word}`,
    summary: flagged ? 'ask for the second factor at every sign-in of a user, remembered devices or not' : 'lift the flag: remembered devices skip the second factor again',
    usage: `twofold users ${word} --email EMAIL [--json]`,
    details: `Options:
  --email EMAIL   the user's sign-in address (case-insensitive)
  --json          machine-readable output

${flagged ? 'While flagged, every sign-in asks for the second factor, and the page tells the user an\nadministrator asked for it. Remembered devices are kept; use it after a suspected compromise.' : 'Remembered devices that are still valid skip the second factor again.'}

Example:
  twofold users ${word} --email ada@example.com`,
    options: { email: { type: 'string' }, ...jsonOption },
    async run(args, { io, withStorage }) {
      const email = required(args, 'email').trim();
      if (email.length > 254 || !emailPattern.test(email)) throw new AppError('invalid_input', 400, `--email ${JSON.stringify(email)} is not an e-mail address`);
      const account = await withStorage(async (s) => createRememberedDevicesRepo(s.db).setFlag(email, flagged));
      if (!account) throw new AppError('not_found', 404, `no user with e-mail ${email}`);
      if (args.values['json']) {
        printJson(io, { id: account.id, email, flagged });
        return;
      }
      println(io.stdout, flagged ? `Flagged ${email}: every sign-in asks for the second factor.` : `Unflagged ${email}: remembered devices skip the second factor again.`);
    },
  };
}

export const userCommands: Command[] = [create, flagCommand(true), flagCommand(false)];
