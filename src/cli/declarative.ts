// The declarative file of `twofold apply` and `twofold export`: organisations (with their 2FA
// policy), clients and users, in JSON or YAML, with the admin API's field names. Applying is
// idempotent: what exists and matches is left alone, what differs is updated, what is missing is
// created; nothing is deleted. The whole file is checked before anything is written, and written
// in one transaction.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { clientInput } from '../admin/client-schemas.js';
import { draftFromInput, inputOf } from '../admin/client-input.js';
import { policyChange, policyView } from '../admin/operations/organisations.js';
import { policyInput } from '../admin/organisation-schemas.js';
import { AppError } from '../errors.js';
import type { SecretBox } from '../crypto/secret-box.js';
import { createAccountAdminRepo } from '../storage/postgres/account-admin.js';
import { createAccountsRepo } from '../storage/postgres/accounts.js';
import { createAuditLog } from '../storage/postgres/audit.js';
import { createClientsRepo, type ClientRecord } from '../storage/postgres/clients.js';
import type { Queryable } from '../storage/postgres/db.js';
import { createOrganisationsRepo, type Organisation } from '../storage/postgres/organisations.js';
import { createRolesRepo, roles } from '../storage/postgres/roles.js';

const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, '1 to 63 lower-case letters, digits and -');

export const declaration = z
  .object({
    organisations: z.array(z.object({ slug, name: z.string().trim().min(1).max(200), policy: policyInput.optional() }).strict()).default([]),
    clients: z.array(clientInput.extend({ client_id: z.string().regex(/^[A-Za-z0-9._~-]{3,128}$/, '3 to 128 characters: letters, digits and . _ ~ -') })).default([]),
    users: z
      .array(
        z
          .object({
            email: z.email().max(254),
            name: z.string().trim().min(1).max(200),
            organisation: slug,
            roles: z.array(z.enum(roles)).optional(),
            email_verified: z.boolean().optional(),
            disabled: z.boolean().optional(),
          })
          .strict(),
      )
      .default([]),
  })
  .strict();

export type Declaration = z.infer<typeof declaration>;
export type Outcome = 'created' | 'updated' | 'unchanged';
export interface ApplyReport {
  items: Array<{ kind: 'organisation' | 'client' | 'user'; id: string; outcome: Outcome; note?: string }>;
  /** secrets of clients created now: shown once */
  secrets: Record<string, string>;
}

/** Client metadata from a declared client (our rules; oidc-provider's are checked by the caller). */
export const clientDraftOf = (c: Declaration['clients'][number]) => draftFromInput(c);

/** A stored client in the file's form (no secret): what export writes and apply compares. */
export const clientToInput = (r: ClientRecord): Declaration['clients'][number] => ({ client_id: r.clientId, ...inputOf(r) });

const sorted = (o: Record<string, unknown>) =>
  JSON.stringify(
    Object.fromEntries(
      Object.keys(o)
        .sort()
        .map((k) => [k, o[k]]),
    ),
  );

/** Parse and check a whole file; AppError invalid_input naming the entry and field at fault. */
export function parseDeclaration(data: unknown): Declaration {
  const parsed = declaration.safeParse(data ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`);
    throw new AppError('invalid_input', 400, `the file is not valid:\n  ${problems.join('\n  ')}`);
  }
  const d = parsed.data;
  const dup = <T>(items: T[], key: (t: T) => string, what: string) => {
    const seen = new Set<string>();
    for (const item of items) {
      const k = key(item);
      if (seen.has(k)) throw new AppError('invalid_input', 400, `${what} ${k} appears twice in the file`);
      seen.add(k);
    }
  };
  dup(d.organisations, (o) => o.slug, 'organisation');
  dup(d.clients, (c) => c.client_id, 'client');
  dup(d.users, (u) => u.email.toLowerCase(), 'user');
  d.clients.forEach((c, i) => {
    try {
      clientDraftOf(c);
    } catch (err) {
      throw new AppError('invalid_input', 400, `clients.${i} (${c.client_id}): ${(err as Error).message}`);
    }
  });
  return d;
}

/** Apply a checked file in one transaction (dryRun: roll back, report what would happen). */
export async function applyDeclaration(db: { transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> }, box: SecretBox, d: Declaration, opts: { dryRun: boolean }): Promise<ApplyReport> {
  const report: ApplyReport = { items: [], secrets: {} };
  const rollback = new Error('dry run');
  try {
    await db.transaction(async (tx) => {
      const orgs = createOrganisationsRepo(tx);
      const clients = createClientsRepo(tx, box);
      const accounts = createAccountsRepo(tx);
      const accountAdmin = createAccountAdminRepo(tx);
      const rolesRepo = createRolesRepo(tx);
      const audit = createAuditLog(tx);
      const by = { by: 'cli', via: 'apply' };

      const bySlug = new Map<string, Organisation>();
      for (const o of d.organisations) {
        let org = await orgs.findBySlug(o.slug);
        const created = !org;
        const before = org ? JSON.stringify([org.name, policyView(org.policy)]) : '';
        org = await orgs.save({ slug: o.slug, name: o.name });
        if (o.policy) org = (await orgs.savePolicy(org.id, policyChange(o.policy))) ?? org;
        const outcome: Outcome = created ? 'created' : before === JSON.stringify([org.name, policyView(org.policy)]) ? 'unchanged' : 'updated';
        if (outcome !== 'unchanged') await audit.record({ type: created ? 'organisation.created' : 'organisation.updated', details: { ...by, organisation: org.id, slug: org.slug } });
        report.items.push({ kind: 'organisation', id: o.slug, outcome });
        bySlug.set(o.slug, org);
      }

      for (const c of d.clients) {
        const { metadata, firstParty, confidential } = clientDraftOf(c);
        const existing = await clients.find(c.client_id);
        if (existing && sorted(existing.metadata) === sorted(metadata) && existing.firstParty === firstParty && existing.hasSecret === confidential) {
          report.items.push({ kind: 'client', id: c.client_id, outcome: 'unchanged' });
          continue;
        }
        // a new confidential client, or a public one made confidential, gets a secret (shown once)
        const secret = confidential && !existing?.hasSecret ? randomBytes(32).toString('base64url') : confidential ? undefined : null;
        await clients.save({ clientId: c.client_id, metadata, firstParty, ...(secret !== undefined ? { secret } : {}) });
        if (secret) report.secrets[c.client_id] = secret;
        await audit.record({ type: existing ? 'client.updated' : 'client.created', clientId: c.client_id, details: by });
        report.items.push({ kind: 'client', id: c.client_id, outcome: existing ? 'updated' : 'created' });
      }

      for (const u of d.users) {
        const org = bySlug.get(u.organisation) ?? (await orgs.findBySlug(u.organisation));
        if (!org) throw new AppError('not_found', 404, `user ${u.email}: no organisation ${u.organisation} (declare it under organisations, or create it first)`);
        let account = await accounts.findByEmail(u.email);
        let outcome: Outcome = 'unchanged';
        let note: string | undefined;
        if (!account) {
          account = await accounts.save({ organisationId: org.id, email: u.email, name: u.name, emailVerified: u.email_verified ?? false, passwordHash: null });
          if (!account) throw new AppError('conflict', 409, `user ${u.email} was created meanwhile; apply again`);
          outcome = 'created';
          note = 'no password yet: they set one with "Forgot your password?" on the sign-in page, or invite them from the admin API or console';
          await audit.record({ type: 'account.created', accountId: account.id, details: { ...by, organisation: org.slug } });
        } else {
          if (account.organisationId !== org.id) note = `stays in its organisation (apply does not move users between organisations)`;
          if (account.name !== u.name) {
            await accountAdmin.rename(account.id, u.name);
            outcome = 'updated';
          }
          if (u.email_verified === true && !account.emailVerified) {
            await accounts.markEmailVerified(account.id, account.email);
            outcome = 'updated';
          }
        }
        if (u.disabled !== undefined && u.disabled !== (account.disabledAt !== null)) {
          await accountAdmin.setDisabled(account.id, u.disabled);
          if (outcome === 'unchanged') outcome = 'updated';
        }
        if (u.roles !== undefined) {
          const current = await rolesRepo.of(account.id);
          if (JSON.stringify(current) !== JSON.stringify([...new Set(u.roles)].sort())) {
            await rolesRepo.set(account.id, u.roles);
            await audit.record({ type: 'account.roles_changed', accountId: account.id, details: { ...by, before: current, after: u.roles } });
            if (outcome === 'unchanged') outcome = 'updated';
          }
        }
        if (outcome === 'updated') await audit.record({ type: 'account.updated', accountId: account.id, details: by });
        report.items.push({ kind: 'user', id: u.email, outcome, ...(note ? { note } : {}) });
      }
      if (opts.dryRun) throw rollback;
    });
  } catch (err) {
    if (err !== rollback) throw err;
    report.secrets = {};
  }
  return report;
}

/** Everything apply manages, in the file's form (no secrets, no passwords). */
export async function exportDeclaration(tx: Queryable, box: SecretBox): Promise<Declaration> {
  const orgs = await createOrganisationsRepo(tx).list();
  const slugOf = new Map(orgs.map((o) => [o.id, o.slug]));
  const clients = await createClientsRepo(tx, box).list();
  const users = await createAccountAdminRepo(tx).all({}, 1_000_000);
  return {
    organisations: orgs.map((o) => ({ slug: o.slug, name: o.name, policy: policyView(o.policy) })),
    clients: clients.map(clientToInput),
    users: users.map((u) => ({
      email: u.email,
      name: u.name,
      organisation: slugOf.get(u.organisationId)!,
      roles: u.roles as Array<(typeof roles)[number]>,
      email_verified: u.emailVerified,
      disabled: u.disabledAt !== null,
    })),
  };
}
