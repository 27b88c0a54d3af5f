// One process at a time on an embedded (PGlite) data directory. PGlite is a private engine
// inside one process: it keeps pages in memory and takes no lock on its directory, so a second
// process opening the same directory (the CLI next to a running server) would read stale data
// and the two would overwrite each other's writes. A lock file naming the holder makes the
// second process stop with a message instead.
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AppError } from '../../errors.js';

export interface EmbeddedLock {
  release(): void;
}

interface Holder {
  pid: number;
  who: string;
  since: string;
}

export const lockFileName = 'pgdata.lock';

function readHolder(file: string): Holder | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Holder;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to another user
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Take the lock or throw a storage_unavailable AppError that says who holds it. A lock left by
 * a process that is gone (crash, kill -9) is taken over; so is one carrying our own pid, which
 * happens when a container restarts and the new process gets the old one's pid.
 */
export function lockEmbeddedDataDir(dataDir: string, who: string): EmbeddedLock {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, lockFileName);
  const me: Holder = { pid: process.pid, who, since: new Date().toISOString() };
  // Written in full under a private name, then linked into place: link() fails atomically when
  // the lock exists, and a lock file is never seen half-written.
  const draft = `${file}.${process.pid}`;
  writeFileSync(draft, JSON.stringify(me), { mode: 0o600 });
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        linkSync(draft, file);
        return {
          release() {
            if (readHolder(file)?.pid === process.pid) rmSync(file, { force: true });
          },
        };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      checkStale(file);
    }
  } finally {
    rmSync(draft, { force: true });
  }
  throw new AppError('storage_unavailable', 503, `Could not take the lock ${file}: other processes keep taking it.`, { expose: true });
}

/** Throw when the lock's holder is alive; remove the lock when it is stale. */
function checkStale(file: string): void {
  const holder = readHolder(file);
  if (holder && holder.pid !== process.pid && isAlive(holder.pid)) {
    throw new AppError(
      'storage_unavailable',
      503,
      [
        `The embedded database in ${dirname(file)} is in use by ${holder.who} (process ${holder.pid}, since ${holder.since}).`,
        'PGlite, the embedded PostgreSQL, can be opened by one process only.',
        'Stop that process first, or set DATABASE_URL to a PostgreSQL server that both can share.',
        `(If no such process is running, delete ${file}.)`,
      ].join('\n'),
      { expose: true },
    );
  }
  // The holder is gone (crash, kill -9) or the file is unreadable. Two processes taking over
  // the same stale lock at the same instant could both succeed; that needs a crash and a
  // simultaneous double start, which this zero-setup mode does not guard against.
  rmSync(file, { force: true });
}
