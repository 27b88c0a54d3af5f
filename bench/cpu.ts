// Where the CPU went during measured windows: the server process (its own process.cpuUsage,
// reported over IPC, split by thread from /proc), the load generator (this process), and the
// whole machine (/proc/stat), so the rest (Redis, Postgres, the kernel, anyone else) shows too.
import { readFileSync, readdirSync } from 'node:fs';
import type { Child, CpuSample } from './ipc.js';
import type { Window } from './load.js';
import { round } from './load.js';

const clockTicks = 100; // USER_HZ; Linux reports /proc times in 1/100 s on every common platform

export interface Snapshot {
  server: CpuSample;
  /** jiffies of the server's main thread and of all its other threads (libuv pool, V8 helpers) */
  serverThreads: { main: number; others: number };
  driver: NodeJS.CpuUsage;
  machineBusy: number;
  /** jiffies of every Postgres and Redis server process on the machine (the bench's and anyone else's) */
  stores: number;
}

function threadTicks(pid: number): { main: number; others: number } {
  const out = { main: 0, others: 0 };
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    } catch {
      continue; // the thread ended between the listing and the read
    }
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime
    if (Number(tid) === pid) out.main += ticks;
    else out.others += ticks;
  }
  return out;
}

const storeCommands = new Set(['postgres', 'redis-server']);

/** utime + stime of the processes whose command is postgres or redis-server */
function storeTicks(): number {
  let ticks = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // ended between the listing and the read
    }
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    if (!storeCommands.has(comm)) continue;
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks;
}

function machineBusyTicks(): number {
  const [user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  return user! + nice! + system! + irq! + softirq! + steal!;
}

export async function snapshot(server: Child): Promise<Snapshot> {
  const serverThreads = threadTicks(server.pid);
  return { server: await server.cpu(), serverThreads, driver: process.cpuUsage(), machineBusy: machineBusyTicks(), stores: storeTicks() };
}

/** CPU seconds (and counters) between the two snapshots of each window, added up. */
function delta(windows: Array<Window<Snapshot>>) {
  const d = { seconds: 0, serverUser: 0, serverSystem: 0, main: 0, others: 0, eluActive: 0, eluIdle: 0, driver: 0, machine: 0, stores: 0, counters: {} as Record<string, number> };
  for (const { before: b, after: a, seconds } of windows) {
    d.seconds += seconds;
    d.serverUser += (a.server.userUs - b.server.userUs) / 1e6;
    d.serverSystem += (a.server.systemUs - b.server.systemUs) / 1e6;
    d.main += (a.serverThreads.main - b.serverThreads.main) / clockTicks;
    d.others += (a.serverThreads.others - b.serverThreads.others) / clockTicks;
    d.eluActive += a.server.elu.active - b.server.elu.active;
    d.eluIdle += a.server.elu.idle - b.server.elu.idle;
    d.driver += (a.driver.user + a.driver.system - b.driver.user - b.driver.system) / 1e6;
    d.machine += (a.machineBusy - b.machineBusy) / clockTicks;
    d.stores += (a.stores - b.stores) / clockTicks;
    for (const [name, value] of Object.entries(a.server.counters ?? {})) {
      d.counters[name] = (d.counters[name] ?? 0) + value - (b.server.counters?.[name] ?? 0);
    }
  }
  return d;
}

export function cpuReport(windows: Array<Window<Snapshot>>) {
  const d = delta(windows);
  const server = d.serverUser + d.serverSystem;
  const cores = (s: number) => round(s / d.seconds, 2);
  return {
    /** CPU seconds of the server process (all threads) inside the windows */
    serverCpuSeconds: round(server, 2),
    /** average number of cores the server process kept busy */
    serverCores: cores(server),
    /** share of the server's CPU time spent in the kernel (socket reads and writes, page faults) */
    serverSystemShare: round(d.serverSystem / server, 2),
    serverMainThreadCores: cores(d.main),
    serverOtherThreadsCores: cores(d.others),
    /** CPU seconds of the main thread (JavaScript) and of the other threads (argon2id, signing, GC helpers) */
    serverMainThreadCpuSeconds: round(d.main, 2),
    serverOtherThreadsCpuSeconds: round(d.others, 2),
    /** share of the time the server's event loop was busy (1 = saturated main thread) */
    serverEventLoopUtilization: round(d.eluActive / (d.eluActive + d.eluIdle), 2),
    driverCores: cores(d.driver),
    machineBusyCores: cores(d.machine),
    /** machine minus server minus driver: Redis, Postgres, kernel, other processes */
    restCores: cores(Math.max(0, d.machine - server - d.driver)),
    /** of the rest: the Postgres and Redis processes (a Postgres backend that exited inside the window is missed) */
    storesCores: cores(d.stores),
    storesCpuSeconds: round(d.stores, 2),
    /** of the rest: neither the stores nor the bench (the kernel's own threads, other programs): high means a disturbed window */
    otherCores: cores(Math.max(0, d.machine - server - d.driver - d.stores)),
  };
}

/** The server's own counters (bench/counters.ts) over the windows, per operation completed in them. */
export function perOperation(windows: Array<Window<Snapshot>>): Record<string, number> {
  const d = delta(windows);
  const ops = windows.reduce((a, w) => a + w.ok, 0);
  return Object.fromEntries(Object.entries(d.counters).map(([name, n]) => [name, round(n / ops, 2)]));
}
