// The small protocol between bench/run.ts and the servers it forks (bench/server.ts,
// bench/bare-provider.ts): the child says which port it listens on and answers CPU samples, so
// the load generator never shares the server's event loop and the server's CPU time is its own.
import { fork, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { performance, type EventLoopUtilization } from 'node:perf_hooks';

export interface CpuSample {
  /** process.cpuUsage(): every thread of the process (main, libuv pool, V8 helpers), µs */
  userUs: number;
  systemUs: number;
  elu: EventLoopUtilization;
  /** what the child counts itself (bench/counters.ts), if anything */
  counters?: Record<string, number>;
}

type FromChild = { type: 'ready'; port: number } | { type: 'cpu'; sample: CpuSample } | { type: 'profiling'; file?: string } | { type: 'failed'; message: string };
type ToChild = { type: 'cpu' } | { type: 'profile-start' } | { type: 'profile-stop'; file: string } | { type: 'stop' };

/** Child side: announce the port, answer CPU samples, stop cleanly when told to. */
export function serveParent(port: number, stop: () => Promise<void>, counters?: () => Record<string, number>): void {
  const send = (m: FromChild) => process.send?.(m);
  // a CPU profile of the main thread, only while the parent asks for one (a measured window)
  let inspector: Session | undefined;
  process.on('message', async (m: ToChild) => {
    if (m.type === 'cpu') {
      const { user, system } = process.cpuUsage();
      send({ type: 'cpu', sample: { userUs: user, systemUs: system, elu: performance.eventLoopUtilization(), ...(counters ? { counters: counters() } : {}) } });
    } else if (m.type === 'profile-start') {
      if (!inspector) {
        inspector = new Session();
        inspector.connect();
        await inspector.post('Profiler.enable');
      }
      await inspector.post('Profiler.start');
      send({ type: 'profiling' });
    } else if (m.type === 'profile-stop') {
      const { profile } = await inspector!.post('Profiler.stop');
      await writeFile(m.file, JSON.stringify(profile));
      send({ type: 'profiling', file: m.file });
    } else if (m.type === 'stop') {
      void stop().finally(() => process.exit(0));
    }
  });
  // the parent died without saying stop: do not linger
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready', port });
}

/** Child side: report a start-up failure to the parent instead of hanging it. */
export function reportFailure(err: unknown): void {
  process.send?.({ type: 'failed', message: (err as Error)?.stack ?? String(err) } satisfies FromChild, () => process.exit(1));
}

export interface Child {
  pid: number;
  port: number;
  url: string;
  cpu(): Promise<CpuSample>;
  profileStart(): Promise<void>;
  profileStop(file: string): Promise<void>;
  stop(): Promise<void>;
}

/** Parent side: fork a TypeScript child (through tsx), wait for its port. */
export async function startChild(script: URL, env: Record<string, string>, opts: { execArgv?: string[]; timeoutMs?: number } = {}): Promise<Child> {
  const child: ChildProcess = fork(script, [], {
    execArgv: ['--import', 'tsx', ...(opts.execArgv ?? [])],
    env: { ...process.env, ...env },
    // the child's stdout goes to our stderr: our stdout carries only the JSON result
    stdio: ['ignore', 2, 2, 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script.pathname} did not start within ${opts.timeoutMs ?? 30_000} ms`)), opts.timeoutMs ?? 30_000);
    child.on('message', (m: FromChild) => {
      if (m.type === 'ready') resolve(m.port);
      if (m.type === 'failed') reject(new Error(`${script.pathname} failed to start: ${m.message}`));
      if (m.type !== 'cpu') clearTimeout(timer);
    });
    child.once('exit', (code) => reject(new Error(`${script.pathname} exited with ${code} before it was ready`)));
  }).catch((err: unknown) => {
    child.kill('SIGKILL');
    throw err;
  });

  /** send a request, wait for the child's answer of the given type */
  const ask = <T extends FromChild['type']>(request: ToChild, answer: T, timeoutMs = 5000) =>
    new Promise<Extract<FromChild, { type: T }>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${answer} answer from the child within ${timeoutMs} ms`)), timeoutMs);
      const onMessage = (m: FromChild) => {
        if (m.type !== answer) return;
        clearTimeout(timer);
        child.off('message', onMessage);
        resolve(m as Extract<FromChild, { type: T }>);
      };
      child.on('message', onMessage);
      child.send(request);
    });

  return {
    pid: child.pid!,
    port,
    url: `http://127.0.0.1:${port}`,
    cpu: async () => (await ask({ type: 'cpu' }, 'cpu')).sample,
    profileStart: async () => void (await ask({ type: 'profile-start' }, 'profiling')),
    profileStop: async (file) => void (await ask({ type: 'profile-stop', file }, 'profiling', 30_000)),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      if (child.connected) child.send({ type: 'stop' } satisfies ToChild);
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    },
  };
}
