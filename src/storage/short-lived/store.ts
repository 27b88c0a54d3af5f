// The store for everything short-lived (oidc-provider sessions, interactions, codes, tokens,
// grants; later one-time codes and counters). Two implementations with the same contract:
// Redis for real deployments and an in-process one for the zero-setup start. Every method is
// atomic on its own; every key written carries a TTL unless the caller passes none.

export interface StoredRecord {
  value: string;
  /** epoch seconds at which the record was consumed, if it was */
  consumedAt?: number;
}

export interface RecordIndexes {
  /** index keys that point at this record's id (e.g. session uid → session id) */
  pointers?: Array<[indexKey: string, target: string]>;
  /** set keys this record's key is added to (e.g. every token of one grant) */
  sets?: string[];
}

export interface ShortLivedStore {
  readonly kind: 'redis' | 'memory';
  /** Replace a record (clearing any consumed mark) and write its indexes, in one atomic step; no TTL when undefined. */
  putRecord(key: string, value: string, ttlSeconds: number | undefined, indexes?: RecordIndexes): Promise<void>;
  getRecord(key: string): Promise<StoredRecord | undefined>;
  /** Mark an existing record consumed, keeping its TTL; false when there is no such record. */
  consumeRecord(key: string, at: number): Promise<boolean>;
  /** Delete every key in the set and the set itself, atomically. */
  deleteSetMembers(setKey: string): Promise<void>;
  /** The keys in a set ([] when there is none); members may have expired since they were added. */
  setMembers(setKey: string): Promise<string[]>;

  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  /** Read and delete in one step: for single-use values. */
  take(key: string): Promise<string | undefined>;
  del(...keys: string[]): Promise<void>;
  /** Increment a counter; the TTL is set when the counter is created and not extended. */
  incr(key: string, ttlSeconds: number): Promise<number>;
  /** Remaining TTL in seconds; undefined when the key does not exist or has none. */
  ttl(key: string): Promise<number | undefined>;

  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * TTLs are whole seconds above zero. Redis refuses anything else (EXPIRE 1.5, SET EX 0) while a
 * plain Map would take it, so both stores check here: a wrong TTL fails in development too.
 */
export function assertTtl(ttlSeconds: number): void {
  if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds <= 0) throw new RangeError(`TTL must be a whole number of seconds above 0, got ${ttlSeconds}`);
}
