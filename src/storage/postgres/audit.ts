// Append-only audit log of security events. Details never hold secrets: callers pass reasons
// and identifiers, not passwords, codes or tokens.
import type { Queryable } from './db.js';
import { groupCommit } from './group-commit.js';
import { isUuid } from './lookup-keys.js';

/** Every event type (the console's audit log has a sentence for each: interactions/describe-event.ts). */
export const auditEventTypes = [
  'signin.succeeded',
  'signin.failed',
  'logout',
  'session.expired',
  'consent.granted',
  'key.created',
  'key.rotated',
  'client.created',
  'client.updated',
  'client.deleted',
  'account.created',
  'signin.abandoned',
  'factor.enrolled',
  'factor.removed',
  'recovery_codes.generated',
  'webauthn.counter_regression',
  'token.reuse_detected',
  'grant.revoked',
  // issue 5: living with two factors (security e-mails are sent for the ones marked *)
  'session.expired_idle',
  'session.expired_absolute',
  'device.remembered', // *
  'device.forgotten',
  'device.not_honoured',
  'factor.updated', // * renamed, or its phone number / e-mail address changed
  'factor.preferred',
  'twofactor.enabled', // * the first factor of an account
  'twofactor.disabled', // * the last factor removed, or 2FA turned off
  'recovery_codes.used', // *
  'factor.reset_requested', // *
  'factor.reset_cancelled',
  'factor.reset', // *
  'password.reset_requested',
  'password.changed', // *
  'email.confirmation_sent',
  'email.confirmed',
  'sessions.ended_others',
  'account.signed_out_everywhere',
  // issue 6: administration
  'account.roles_changed',
  'account.invited',
  'account.updated',
  'account.unlocked',
  'organisation.created',
  'organisation.updated',
  // an administrator's exemption from the organisation's required two-step verification
  'factor.disabled_by_admin', // * factors removed, signed out, exempt (until a date, or until ended)
  'factor.exemption_ended',
] as const;

export type AuditEventType = (typeof auditEventTypes)[number];

export interface AuditEvent {
  type: AuditEventType;
  accountId?: string | undefined;
  clientId?: string | undefined;
  ip?: string | undefined;
  userAgent?: string | undefined;
  details?: Record<string, unknown>;
}

export interface StoredAuditEvent extends Required<Omit<AuditEvent, 'details'>> {
  id: string;
  at: Date;
  details: Record<string, unknown>;
}

const columnsPerRow = 6;
const rowValues = (event: AuditEvent) => [event.type, event.accountId ?? null, event.clientId ?? null, event.ip ?? null, event.userAgent?.slice(0, 512) ?? null, event.details ?? {}];

async function insertEvents(db: Queryable, events: AuditEvent[]): Promise<void> {
  const rows = events.map((_, i) => `(${Array.from({ length: columnsPerRow }, (_, c) => `$${i * columnsPerRow + c + 1}`).join(', ')})`);
  await db.query(`INSERT INTO audit_events (type, account_id, client_id, ip, user_agent, details) VALUES ${rows.join(', ')}`, events.flatMap(rowValues));
}

/**
 * `groupCommit`: concurrent record() calls over a pool share one INSERT (group-commit.ts), so a
 * busy sign-in path pays a fraction of a query per event; each call still resolves only once its
 * row is committed. Off for a transaction's client, whose statements must stay in order.
 */
export function createAuditLog(db: Queryable, opts: { groupCommit?: boolean } = {}) {
  const write = opts.groupCommit ? groupCommit((events: AuditEvent[]) => insertEvents(db, events), { maxBatch: 200 }) : (event: AuditEvent) => insertEvents(db, [event]);
  return {
    async record(event: AuditEvent): Promise<void> {
      await write(event);
    },
    /**
     * Newest first, keyset-paged by id: events of one account, or of the accounts of one
     * organisation, of some types, in a time range.
     */
    async query(filter: {
      accountId?: string | undefined;
      organisationId?: string | undefined;
      types?: string[] | undefined;
      from?: Date | undefined;
      to?: Date | undefined;
      before?: string | undefined;
      limit: number;
    }): Promise<StoredAuditEvent[]> {
      if (filter.accountId !== undefined && !isUuid(filter.accountId)) return [];
      if (filter.organisationId !== undefined && !isUuid(filter.organisationId)) return [];
      const { rows } = await db.query<StoredAuditEvent>(
        `SELECT e.id, e.at, e.type, e.account_id AS "accountId", e.client_id AS "clientId", e.ip, e.user_agent AS "userAgent", e.details
         FROM audit_events e
         WHERE ($1::uuid IS NULL OR e.account_id = $1)
           AND ($2::uuid IS NULL OR e.account_id IN (SELECT id FROM accounts WHERE organisation_id = $2)
                OR e.details->>'organisation' = $2::text)
           AND ($3::text[] IS NULL OR e.type = ANY($3))
           AND ($4::timestamptz IS NULL OR e.at >= $4)
           AND ($5::timestamptz IS NULL OR e.at < $5)
           AND ($6::bigint IS NULL OR e.id < $6)
         ORDER BY e.id DESC LIMIT $7`,
        [filter.accountId ?? null, filter.organisationId ?? null, filter.types?.length ? filter.types : null, filter.from ?? null, filter.to ?? null, filter.before ?? null, filter.limit],
      );
      return rows;
    },
    async findRecent(filter: { accountId?: string; type?: AuditEventType; limit?: number }): Promise<StoredAuditEvent[]> {
      if (filter.accountId !== undefined && !isUuid(filter.accountId)) return [];
      const { rows } = await db.query<StoredAuditEvent>(
        `SELECT id, at, type, account_id AS "accountId", client_id AS "clientId", ip, user_agent AS "userAgent", details
         FROM audit_events
         WHERE ($1::uuid IS NULL OR account_id = $1) AND ($2::text IS NULL OR type = $2)
         ORDER BY id DESC LIMIT $3`,
        [filter.accountId ?? null, filter.type ?? null, filter.limit ?? 50],
      );
      return rows;
    },
  };
}

export type AuditLog = ReturnType<typeof createAuditLog>;
