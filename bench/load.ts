// A closed-loop load generator: N workers each run one operation after another. After a
// warm-up the measured window opens (a snapshot is taken, e.g. the server's CPU time) and
// every operation that completes inside it is counted; when it closes, a second snapshot is
// taken and the workers finish what they are doing. Bounded both in time and in operations.
// Windows of several rounds (alternated between servers, so both see the same machine) add up.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

export interface LoadOptions<S> {
  workers: number;
  warmupMs: number;
  durationMs: number;
  /** no worker starts an operation once this many have been started (warm-up included) */
  maxOps: number;
  /** taken when the window opens and when it closes */
  snapshot: () => Promise<S>;
}

export interface Window<S> {
  workers: number;
  /** operations completed inside the window */
  ok: number;
  /** operations completed at any time (warm-up and the final drain included) */
  totalOk: number;
  errors: number;
  errorSamples: string[];
  seconds: number;
  latenciesMs: number[];
  before: S;
  after: S;
}

export async function closedLoop<S>(opts: LoadOptions<S>, op: (worker: number) => Promise<void>): Promise<Window<S>> {
  let phase: 'warmup' | 'measure' | 'done' = 'warmup';
  let started = 0;
  let ok = 0;
  let totalOk = 0;
  let errors = 0;
  const errorSamples = new Set<string>();
  const latenciesMs: number[] = [];
  const deadline = performance.now() + opts.warmupMs + opts.durationMs;

  async function worker(id: number) {
    while (phase !== 'done' && started < opts.maxOps && performance.now() < deadline) {
      started++;
      const t0 = performance.now();
      try {
        await op(id);
        totalOk++;
        if (phase === 'measure') {
          ok++;
          latenciesMs.push(performance.now() - t0);
        }
      } catch (err) {
        if (phase === 'measure') errors++;
        if (errorSamples.size < 3) errorSamples.add((err as Error)?.message ?? String(err));
      }
    }
  }

  const running = Promise.all(Array.from({ length: opts.workers }, (_, i) => worker(i)));
  let allStopped = false;
  void running.then(() => (allStopped = true));
  const waitFor = async (ms: number) => {
    const until = performance.now() + ms;
    while (!allStopped && performance.now() < until) await sleep(Math.min(50, until - performance.now()));
  };

  await waitFor(opts.warmupMs);
  const before = await opts.snapshot();
  const t0 = performance.now();
  phase = 'measure';
  await waitFor(opts.durationMs);
  phase = 'done';
  const seconds = (performance.now() - t0) / 1000;
  const after = await opts.snapshot();
  await running;
  return { workers: opts.workers, ok, totalOk, errors, errorSamples: [...errorSamples], seconds, latenciesMs, before, after };
}

/** Throughput and latency of one or more windows taken together. */
export function summarize(windows: Array<Window<unknown>>) {
  const sum = (f: (w: Window<unknown>) => number) => windows.reduce((a, w) => a + f(w), 0);
  const ok = sum((w) => w.ok);
  const seconds = sum((w) => w.seconds);
  const latencies = windows.flatMap((w) => w.latenciesMs).sort((a, b) => a - b);
  const pct = (p: number) => round(latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)] ?? NaN, 1);
  return {
    workers: windows[0]?.workers ?? 0,
    windows: windows.length,
    ok,
    errors: sum((w) => w.errors),
    errorSamples: [...new Set(windows.flatMap((w) => w.errorSamples))].slice(0, 3),
    windowSeconds: round(seconds, 2),
    perSecond: round(ok / seconds, 1),
    latencyMs: { p50: pct(50), p90: pct(90), p99: pct(99), max: round(latencies.at(-1) ?? NaN, 1) },
  };
}

export const round = (n: number, digits = 3) => Number(n.toFixed(digits));
