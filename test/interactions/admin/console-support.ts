// Helpers for the admin console tests: an account with a role and an authenticator app whose
// secret the test knows, and a console sign-in through the real pages (password, then the code).
import { randomUUID } from 'node:crypto';
import { generate } from 'otplib';
import type { Clock } from '../../../src/clock.js';
import { totpSecretContext } from '../../../src/factors/totp/totp-secret.js';
import type { Role } from '../../../src/storage/postgres/roles.js';
import type { TestApp } from '../../support/app.js';
import { createUser } from '../../support/fixtures.js';
import type { Step, UserAgent } from '../../support/user-agent.js';

export type ConsoleUser = Awaited<ReturnType<typeof createUser>> & { totpSecret: string };

export async function addTotp(app: TestApp, accountId: string): Promise<string> {
  const secret = app.services.totp.newSecret();
  const id = randomUUID();
  await app.services.factors.save({ id, accountId, kind: 'totp', label: '', secretSealed: app.services.box.seal(secret, totpSecretContext(id)) });
  return secret;
}

/** A user with an authenticator app and the given roles (none: a plain user). */
export async function consoleUser(app: TestApp, roles: Role[], opts: { organisationId?: string } = {}): Promise<ConsoleUser> {
  const user = await createUser(app.services);
  if (opts.organisationId) await app.services.db.query('UPDATE accounts SET organisation_id = $2 WHERE id = $1', [user.id, opts.organisationId]);
  if (roles.length) await app.services.roles.set(user.id, roles);
  return { ...user, organisationId: opts.organisationId ?? user.organisationId, totpSecret: await addTotp(app, user.id) };
}

export const totpCode = (secret: string, clock: Clock) => generate({ secret, epoch: Math.floor(clock.now() / 1000), period: 30, digits: 6, algorithm: 'sha1' });

/** Open /admin with no session: the sign-in asks for the password, then the code; back at the page asked for. */
export async function signInToConsole(app: TestApp, ua: UserAgent, user: ConsoleUser, clock: Clock, path = '/admin'): Promise<Step> {
  const login = await ua.follow(`${app.url}${path}`);
  if (!login.body.includes('name="password"')) throw new Error(`expected the password page, got ${login.status} ${login.url}`);
  const factor = await ua.submit(login, /\/login$/, { email: user.email, password: user.password });
  if (!/\/factor"/.test(factor.body)) throw new Error(`expected the second-factor page, got ${factor.status} ${factor.url}\n${factor.body.slice(0, 1500)}`);
  return ua.submit(factor, /\/factor$/, { code: await totpCode(user.totpSecret, clock) });
}
