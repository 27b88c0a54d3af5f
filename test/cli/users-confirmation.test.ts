// `twofold users create` without --email-verified sends the new user a confirmation link when
// Redis and SMTP are configured, and says so when they are not.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startInbox, type Inbox } from '../support/smtp-inbox.js';
import { openTestDb, type TestDb } from './db.js';
import { cliEnv, runCli } from './run-cli.js';

let t: TestDb;
let inbox: Inbox;
beforeAll(async () => {
  t = openTestDb();
  inbox = await startInbox();
});
afterAll(async () => {
  await inbox?.close();
  await t?.close();
});

const password = 'violet tractor umbrella 1987';

describe('users create: confirmation link', () => {
  it('is sent to an unconfirmed address through SMTP, the link kept in Redis', async () => {
    const email = `confirm-${randomBytes(4).toString('hex')}@example.com`;
    const env = cliEnv({ REDIS_URL: inject('redisUrl'), REDIS_PREFIX: `${inject('redisPrefix')}cli:`, SMTP_URL: inbox.url, ISSUER: 'https://id.example.com' });
    const r = await runCli(['users', 'create', '--email', email, '--name', 'C', '--org', `org-${randomBytes(3).toString('hex')}`, '--create-org', '--password-stdin'], { env, input: `${password}\n` });
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(`Sent a link to confirm ${email}.`);
    const mail = await inbox.next(email);
    expect(mail.subject).toBe('Confirm your e-mail address for Twofold');
    expect(mail.text).toMatch(/https:\/\/id\.example\.com\/recovery\/link\/[A-Za-z0-9_-]{43}/);
    const account = await t.accounts.findByEmail(email);
    expect(await t.audit.findRecent({ accountId: account!.id, type: 'email.confirmation_sent' })).toHaveLength(1);
  });

  it('says why nothing was sent without Redis or SMTP', async () => {
    const email = `noconfirm-${randomBytes(4).toString('hex')}@example.com`;
    const r = await runCli(['users', 'create', '--email', email, '--name', 'C', '--org', `org-${randomBytes(3).toString('hex')}`, '--create-org', '--password-stdin'], { input: `${password}\n` });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('No confirmation link was sent (REDIS_URL is not set (links are kept there)): the user can send one from My profile.');
  });
});
