// Errors reaching PostgreSQL, counted around every query of the pool. Only the store being
// unreachable or failing counts (no SQLSTATE: a connection error; classes 08 connection, 53
// resources, 57 operator intervention such as a shutdown, 58 system); a unique violation or a
// check failure is an answer, not a storage error. Redis errors are counted where the client
// reports them (services.ts).
import type { Db, Queryable } from '../storage/postgres/db.js';
import type { Metrics } from './metrics.js';

export function isStorageFailure(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return true;
  return ['08', '53', '57', '58'].includes(code.slice(0, 2));
}

export function withDbMetrics(db: Db, metrics: Metrics): Db {
  // an error is counted once, where it is first seen (a query inside a transaction, then the transaction)
  const seen = new WeakSet<object>();
  const count = (err: unknown) => {
    if (!isStorageFailure(err) || (typeof err === 'object' && err !== null && seen.has(err))) return;
    if (typeof err === 'object' && err !== null) seen.add(err);
    metrics.storageErrors.inc({ store: 'postgres' });
  };
  const counted =
    (q: Queryable): Queryable['query'] =>
    async (sql, params) => {
      try {
        return await q.query(sql, params);
      } catch (err) {
        count(err);
        throw err;
      }
    };
  return {
    ...db,
    query: counted(db) as Db['query'],
    // a connection that cannot be had for the transaction counts too
    async transaction(fn) {
      try {
        return await db.transaction((tx) => fn({ query: counted(tx) as Queryable['query'] }));
      } catch (err) {
        count(err);
        throw err;
      }
    },
  };
}
