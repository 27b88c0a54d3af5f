// `perf record` of a server process during a measured window (BENCH_PERF=<dir>). Unlike V8's
// own profiler, which samples wall-clock time, perf samples only what is on a CPU, every
// thread included (argon2id in the libuv pool, the optimising compiler, GC, the kernel): on a
// busy machine V8 blames socket writes for the time other processes ran after being woken.
// Summarise a recording with: node --import tsx bench/perf-summary.ts <file>
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

export async function startPerf(pid: number, file: string): Promise<() => Promise<void>> {
  const perf = spawn('perf', ['record', '-F', '499', '-g', '-p', String(pid), '-o', file], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve, reject) => {
    perf.once('error', reject);
    perf.once('exit', () => resolve());
  });
  await Promise.race([sleep(300), exited]); // perf has no "attached" signal; 300 ms is plenty
  if (perf.exitCode !== null) throw new Error(`perf record exited with ${perf.exitCode} (is perf installed and allowed?)`);
  return async () => {
    perf.kill('SIGINT');
    await exited;
  };
}
