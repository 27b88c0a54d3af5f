// Where the CPU went during a measured window: the server process (its own process.cpuUsage,
// reported over IPC, split by thread from /proc), the load generator (this process), and the
// whole machine (/proc/stat), so the rest (Redis, Postgres, the kernel, anyone else) shows too.
import { readFileSync, readdirSync } from 'node:fs';
import type { Child, CpuSample } from './ipc.js';
import { round } from './load.js';

const clockTicks = 100; // USER_HZ; Linux reports /proc times in 1/100 s on every common platform

export interface Snapshot {
  server: CpuSample;
  /** jiffies of the server's main thread and of all its other threads (libuv pool, V8 helpers) */
  serverThreads: { main: number; others: number };
  driver: NodeJS.CpuUsage;
  machine: { busy: number; total: number };
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

function machineTicks(): { busy: number; total: number } {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = cpu as [number, number, number, number, number, number, number, number];
  const busy = user + nice + system + irq + softirq + steal;
  return { busy, total: busy + idle + iowait };
}

export async function snapshot(server: Child): Promise<Snapshot> {
  const serverThreads = threadTicks(server.pid);
  return { server: await server.cpu(), serverThreads, driver: process.cpuUsage(), machine: machineTicks() };
}

export interface CpuReport {
  /** CPU seconds of the server process (all threads) inside the window */
  serverCpuSeconds: number;
  /** average number of cores the server process kept busy */
  serverCores: number;
  /** share of the server's CPU time spent in the kernel (socket reads and writes, mostly) */
  serverSystemShare: number;
  serverMainThreadCores: number;
  serverOtherThreadsCores: number;
  /** share of the window the server's event loop was busy (1 = saturated main thread) */
  serverEventLoopUtilization: number;
  driverCores: number;
  machineBusyCores: number;
  /** machine minus server minus driver: Redis, Postgres, kernel, other processes */
  restCores: number;
}

export function cpuReport(before: Snapshot, after: Snapshot, windowSeconds: number): CpuReport {
  const serverCpuSeconds = (after.server.userUs + after.server.systemUs - before.server.userUs - before.server.systemUs) / 1e6;
  const driverSeconds = (after.driver.user + after.driver.system - before.driver.user - before.driver.system) / 1e6;
  const machineSeconds = (after.machine.busy - before.machine.busy) / clockTicks;
  const active = after.server.elu.active - before.server.elu.active;
  const idle = after.server.elu.idle - before.server.elu.idle;
  const cores = (s: number) => round(s / windowSeconds, 2);
  return {
    serverCpuSeconds: round(serverCpuSeconds, 2),
    serverCores: cores(serverCpuSeconds),
    serverSystemShare: round((after.server.systemUs - before.server.systemUs) / 1e6 / serverCpuSeconds, 2),
    serverMainThreadCores: cores((after.serverThreads.main - before.serverThreads.main) / clockTicks),
    serverOtherThreadsCores: cores((after.serverThreads.others - before.serverThreads.others) / clockTicks),
    serverEventLoopUtilization: round(active / (active + idle), 2),
    driverCores: cores(driverSeconds),
    machineBusyCores: cores(machineSeconds),
    restCores: cores(Math.max(0, machineSeconds - serverCpuSeconds - driverSeconds)),
  };
}

/** The server's own counters (bench/counters.ts) over the window, per operation completed in it. */
export function perOperation(before: Snapshot, after: Snapshot, operations: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, value] of Object.entries(after.server.counters ?? {})) {
    out[name] = round((value - (before.server.counters?.[name] ?? 0)) / operations, 2);
  }
  return out;
}
