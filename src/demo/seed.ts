// Zero-setup demo: an organisation, a user and a first-party relying party served by this
// same process at /demo. Only in embedded mode (or with DEMO=true). The demo password is
// generated on first start and kept in the data directory so it can be printed each time.
// The demo user is created as an administrator, so the admin console (/admin) can be tried on
// the same fresh start (it still asks for a second factor, set up on the way in).
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Services } from '../services.js';

export const demoClientId = 'twofold-demo';

/** The seeded demo user and the demo relying party's client. */
export interface DemoAccount {
  email: string;
  password: string;
  clientId: string;
}

export async function seedDemo(services: Pick<Services, 'config' | 'organisations' | 'accounts' | 'clients' | 'hasher' | 'audit' | 'roles'>): Promise<DemoAccount> {
  const { config } = services;
  const file = join(config.dataDir, 'demo.json');
  const email = 'demo@example.com';
  let password: string;
  if (existsSync(file)) {
    password = (JSON.parse(readFileSync(file, 'utf8')) as { password: string }).password;
  } else {
    password = `demo-${randomBytes(6).toString('base64url')}`;
    writeFileSync(file, JSON.stringify({ email, password }, null, 2), { mode: 0o600 });
  }

  const org = (await services.organisations.findBySlug('demo')) ?? (await services.organisations.save({ slug: 'demo', name: 'Demo organisation' }));
  let account = await services.accounts.findByEmail(email);
  if (!account) {
    account = await services.accounts.save({ organisationId: org.id, email, name: 'Demo User', emailVerified: true, passwordHash: await services.hasher.hash(password) });
    if (account) {
      await services.audit.record({ type: 'account.created', accountId: account.id, details: { by: 'demo seed' } });
      await services.roles.set(account.id, ['admin']);
      await services.audit.record({ type: 'account.roles_changed', accountId: account.id, details: { by: 'demo seed', before: [], after: ['admin'] } });
    }
  } else if (!(await services.hasher.verify(account.passwordHash, password))) {
    await services.accounts.savePasswordHash(account.id, await services.hasher.hash(password));
  }

  // Re-registered on every start so the redirect URIs follow ISSUER/PORT; the secret is kept.
  const existing = await services.clients.find(demoClientId);
  await services.clients.save({
    clientId: demoClientId,
    firstParty: true,
    secret: existing?.hasSecret ? undefined : randomBytes(32).toString('base64url'),
    metadata: {
      client_name: 'Twofold demo app',
      redirect_uris: [`${config.issuer}/demo/callback`],
      post_logout_redirect_uris: [`${config.issuer}/demo`],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  });
  if (!existing) await services.audit.record({ type: 'client.created', clientId: demoClientId, details: { by: 'demo seed' } });
  return { email, password, clientId: demoClientId };
}
