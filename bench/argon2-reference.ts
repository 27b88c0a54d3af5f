// The ceiling for password sign-ins on one core: argon2id verifications with the production
// parameters, back to back on this thread (verifySync, so nothing else runs meanwhile). Counted
// per wall second and per CPU second of this process: on a busy machine the thread gets less
// than a core, and per CPU second is what compares with the server's sign-ins per CPU second.
import { hash, verifySync } from '@node-rs/argon2';
import { performance } from 'node:perf_hooks';
import { argon2Params } from '../src/passwords/hasher.js';
import { round } from './load.js';

export async function argon2Reference(opts: { durationMs: number; maxOps: number }) {
  const password = 'correct horse battery staple 42';
  const stored = await hash(password, argon2Params);
  verifySync(stored, password); // warm-up: page in the 19 MiB once

  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let n = 0;
  while (n < opts.maxOps && performance.now() - t0 < opts.durationMs) {
    if (!verifySync(stored, password)) throw new Error('argon2 reference: verification failed');
    n++;
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return summary(n, seconds, (cpu.user + cpu.system) / 1e6);
}

export type Argon2Reference = ReturnType<typeof summary>;

function summary(verifications: number, seconds: number, cpuSeconds: number) {
  return {
    verifications,
    seconds: round(seconds, 2),
    cpuSeconds: round(cpuSeconds, 2),
    perSecond: round(verifications / seconds, 1),
    perCpuSecond: round(verifications / cpuSeconds, 1),
    cpuMsEach: round((cpuSeconds * 1000) / verifications, 2),
    /** CPU seconds per wall second of the loop: about 1 when it really had a core to itself */
    coresUsed: round(cpuSeconds / seconds, 2),
  };
}

/** Several runs (e.g. before and after the load phases) as one. */
export function combineReferences(runs: Argon2Reference[]) {
  const sum = (f: (r: Argon2Reference) => number) => runs.reduce((a, r) => a + f(r), 0);
  return {
    params: argon2Params,
    operation: '@node-rs/argon2 verifySync back to back, one thread',
    ...summary(
      sum((r) => r.verifications),
      sum((r) => r.seconds),
      sum((r) => r.cpuSeconds),
    ),
    runs,
  };
}
