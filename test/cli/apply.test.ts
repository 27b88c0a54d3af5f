// `twofold apply` and `twofold export` through the real command against the run's Postgres:
// created / updated / unchanged, one transaction (a bad entry writes nothing), dry run, and an
// export that applies back without a change.
import { randomBytes } from 'node:crypto';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Declaration } from '../../src/cli/declarative.js';
import { openTestDb, type TestDb } from './db.js';
import { runCli, runCliJson } from './run-cli.js';

let t: TestDb;
beforeAll(() => {
  t = openTestDb();
});
afterAll(() => t?.close());

interface Report {
  dry_run: boolean;
  items: Array<{ kind: string; id: string; outcome: string; note?: string }>;
  secrets: Record<string, string>;
}

function declaration(tag: string) {
  return {
    organisations: [{ slug: `apply-${tag}`, name: 'Apply Ltd', policy: { mode: 'required', mandatory_from: '2027-07-01T00:00:00Z', allowed_methods: ['totp', 'webauthn'] } }],
    clients: [
      { client_id: `apply-web-${tag}`, client_name: 'Apply web', redirect_uris: ['https://apply.example.com/cb'], require_mfa: true },
      { client_id: `apply-spa-${tag}`, client_name: 'Apply SPA', redirect_uris: ['http://127.0.0.1:5173/cb'], token_endpoint_auth_method: 'none' },
    ],
    users: [
      { email: `ada-${tag}@apply.example`, name: 'Ada', organisation: `apply-${tag}`, roles: ['org_admin'], email_verified: true },
      { email: `bob-${tag}@apply.example`, name: 'Bob', organisation: `apply-${tag}` },
    ],
  };
}

const outcomes = (r: Report) => Object.fromEntries(r.items.map((i) => [i.id, i.outcome]));

describe('apply', () => {
  it('creates, then leaves alone, then updates only what changed; secrets once, for new confidential clients', async () => {
    const tag = randomBytes(3).toString('hex');
    const file = declaration(tag);
    const first = await runCliJson<Report>(['apply', '-'], { input: toYaml(file) });
    expect(new Set(Object.values(outcomes(first)))).toEqual(new Set(['created']));
    expect(Object.keys(first.secrets)).toEqual([`apply-web-${tag}`]);
    const org = (await t.organisations.findBySlug(`apply-${tag}`))!;
    expect(org.policy).toMatchObject({ mode: 'required', allowedMethods: ['totp', 'webauthn'], mandatoryFrom: new Date('2027-07-01T00:00:00Z') });
    expect((await t.clients.find(`apply-web-${tag}`))?.metadata['require_mfa']).toBe(true);
    const ada = (await t.accounts.findByEmail(`ada-${tag}@apply.example`))!;
    expect(await t.roles.of(ada.id)).toEqual(['org_admin']);
    expect(ada).toMatchObject({ emailVerified: true, passwordHash: null, organisationId: org.id });

    const again = await runCliJson<Report>(['apply', '-'], { input: JSON.stringify(file) });
    expect(new Set(Object.values(outcomes(again)))).toEqual(new Set(['unchanged']));
    expect(again.secrets).toEqual({});

    file.users[1]!.name = 'Robert';
    file.organisations[0]!.policy.allowed_methods = ['totp'];
    const changed = await runCliJson<Report>(['apply', '-'], { input: toYaml(file) });
    expect(outcomes(changed)).toEqual({
      [`apply-${tag}`]: 'updated',
      [`apply-web-${tag}`]: 'unchanged',
      [`apply-spa-${tag}`]: 'unchanged',
      [`ada-${tag}@apply.example`]: 'unchanged',
      [`bob-${tag}@apply.example`]: 'updated',
    });
    expect((await t.accounts.findByEmail(`bob-${tag}@apply.example`))?.name).toBe('Robert');
  });

  it('checks the whole file first: a bad entry anywhere writes nothing, and says where', async () => {
    const tag = randomBytes(3).toString('hex');
    const file = declaration(tag);
    file.clients[1]!.redirect_uris = ['http://apply.example.com/cb'];
    const bad = await runCli(['apply', '-'], { input: toYaml(file) });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`clients.1 (apply-spa-${tag})`);
    expect(bad.stderr).toContain('http is allowed only on loopback');
    expect(await t.organisations.findBySlug(`apply-${tag}`)).toBeUndefined();

    const unknownField = await runCli(['apply', '-'], { input: toYaml({ organisations: [{ slug: 'x', name: 'X', colour: 'red' }] }) });
    expect(unknownField.stderr).toContain('organisations.0');
    const notYaml = await runCli(['apply', '-'], { input: 'organisations: [unclosed' });
    expect(notYaml.stderr).toContain('neither JSON nor YAML');
    const orphan = await runCli(['apply', '-'], { input: toYaml({ users: [{ email: `o-${tag}@x.example`, name: 'O', organisation: `none-${tag}` }] }) });
    expect(orphan.stderr).toContain(`no organisation none-${tag}`);
    expect(await t.accounts.findByEmail(`o-${tag}@x.example`)).toBeUndefined();
  });

  it('--dry-run reports what would change and writes nothing', async () => {
    const tag = randomBytes(3).toString('hex');
    const dry = await runCliJson<Report>(['apply', '-', '--dry-run'], { input: toYaml(declaration(tag)) });
    expect(dry.dry_run).toBe(true);
    expect(new Set(Object.values(outcomes(dry)))).toEqual(new Set(['created']));
    expect(dry.secrets).toEqual({});
    expect(await t.organisations.findBySlug(`apply-${tag}`)).toBeUndefined();
    expect(await t.clients.find(`apply-web-${tag}`)).toBeUndefined();
  });
});

describe('export', () => {
  it('prints what apply manages, without secrets; applying it back changes nothing', async () => {
    const tag = randomBytes(3).toString('hex');
    await runCliJson<Report>(['apply', '-'], { input: toYaml(declaration(tag)) });
    const exported = await runCli(['export']);
    expect(exported.code).toBe(0);
    expect(exported.stdout).not.toMatch(/client_secret:|password|\$argon2/);
    const all = parseYaml(exported.stdout) as Declaration;
    // other test files write to the same database meanwhile: apply back this test's part
    const mine: Declaration = {
      organisations: all.organisations.filter((o) => o.slug.endsWith(tag)),
      clients: all.clients.filter((c) => c.client_id.endsWith(tag)),
      users: all.users.filter((u) => u.email.includes(tag)),
    };
    expect([mine.organisations.length, mine.clients.length, mine.users.length]).toEqual([1, 2, 2]);
    const back = await runCliJson<Report>(['apply', '-'], { input: toYaml(mine) });
    expect(new Set(Object.values(outcomes(back)))).toEqual(new Set(['unchanged']));
    const json = await runCli(['export', '--format', 'json']);
    expect(JSON.parse(json.stdout)).toHaveProperty('organisations');
    expect((await runCli(['export', '--format', 'xml'])).stderr).toContain('--format must be yaml or json');
  });
});
