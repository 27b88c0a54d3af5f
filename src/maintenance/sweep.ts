// Housekeeping: delete Postgres rows nothing can use any more. Today that is every account's
// remembered devices that expired over a day ago: the browser dropped their cookie when they
// expired (its Max-Age is the same days), so no sign-in can name them again; the day is for a
// browser whose clock runs late. Remembering a device purges its own account's old rows
// already; the sweep catches accounts that never remember another one.
//
// Nothing else in Postgres expires: e-mail links, codes and sessions live in Redis with a TTL,
// and factor_resets have no expiry (a pending one is a flow in progress, a finished one is what
// its cancel link reads). The audit log is never swept.
//
// The server sweeps at start and then hourly (main.ts); `twofold maintenance sweep` sweeps once.
// Several replicas sweeping at the same time is harmless: each deletes the rows the others have
// not locked (remembered-devices.ts, deleteExpired).
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import type { Queryable } from '../storage/postgres/db.js';
import { createRememberedDevicesRepo } from '../storage/postgres/remembered-devices.js';

/** How long after its expiry a remembered device's row is kept. */
export const deviceGraceMs = 24 * 60 * 60 * 1000;

export const sweepIntervalMs = 60 * 60 * 1000;

export interface SweepResult {
  /** remembered-device rows deleted */
  rememberedDevices: number;
}

/** One sweep at the clock's now. */
export async function sweepExpired(deps: { db: Queryable; clock: Clock }): Promise<SweepResult> {
  const before = new Date(deps.clock.now() - deviceGraceMs);
  return { rememberedDevices: await createRememberedDevicesRepo(deps.db).deleteExpired(before) };
}

export interface Sweeper {
  /** No more sweeps; resolves when the one in progress (if any) has finished, before the pool closes. */
  stop(): Promise<void>;
}

/**
 * Sweep now and then every `intervalMs`, in the background: a failure is logged and the next
 * round tries again. The timer does not keep the process alive.
 */
export function startSweeper(deps: { db: Queryable; clock: Clock; log: Logger }, opts: { intervalMs?: number } = {}): Sweeper {
  let running: Promise<void> | undefined;
  let stopped = false;
  const round = () => {
    if (stopped || running) return; // a slow round is not overtaken by the next one
    running = sweepExpired(deps)
      .then((r) => {
        if (r.rememberedDevices > 0) deps.log.info({ rememberedDevices: r.rememberedDevices }, 'swept expired rows');
      })
      .catch((err: unknown) => deps.log.warn({ err: (err as Error).message }, 'sweep of expired rows failed; trying again at the next round'))
      .finally(() => {
        running = undefined;
      });
  };
  const timer = setInterval(round, opts.intervalMs ?? sweepIntervalMs);
  timer.unref();
  round();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
