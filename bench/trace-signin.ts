// What one sign-in costs, request by request: runs Twofold in this process (built like
// bench/server.ts, in its own throwaway database and Redis prefix), drives password sign-ins
// and password + TOTP sign-ins one at a time (after a few of each as warm-up), and prints for
// each HTTP request of the flow its mean wall time and CPU time (process.cpuUsage over the
// request: every thread, so argon2id is in the password POST; the driver shares the process
// but is idle while a request runs) and the Redis commands and Postgres queries it made. For
// finding redundant round trips and where the time of a step goes, without load; the figures
// of `npm run bench` count the same things under load (perOperation).
//   node --import tsx bench/trace-signin.ts [--json] [--repeat N]
import { AsyncLocalStorage } from 'node:async_hooks';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import pg from 'pg';
import { createApp } from '../interactions/app.js';
import { parseConfig, type Config } from '../src/config/index.js';
import { createLogger } from '../src/log.js';
import { hostedProviderPages } from '../interactions/provider-pages.js';
import { createServices } from '../src/services.js';
import { createBenchEnvironment, seed, type BenchEnvironment } from './setup.js';
import { signInOp, totpSignInOp } from './signin-driver.js';
import { totpRoster } from './totp-roster.js';

interface RequestTrace {
  request: string;
  status?: number;
  ms?: number;
  cpuMs?: number;
  redis: string[];
  pg: string[];
}

/** one sign-in's requests, as the last of the repetitions made them, with the means of all */
interface FlowTrace {
  request: string;
  status: number | undefined;
  meanMs: number;
  meanCpuMs: number;
  redis: string[];
  pg: string[];
}

const current = new AsyncLocalStorage<RequestTrace>();
let traces: RequestTrace[] = [];
let prefix = '';

/** `GET signin:<uid>`: the command and its first key, without the run prefix or ids */
const redisLine = (name: string, args: unknown[]) => {
  const key = typeof args[0] === 'string' || Buffer.isBuffer(args[0]) ? String(args[0]).replace(prefix, '') : '';
  return `${name.toUpperCase()} ${key.replace(/[A-Za-z0-9_-]{20,}/g, '<id>').replace(/[0-9a-f-]{36}/g, '<uuid>')}`.trim();
};
const sqlLine = (sql: unknown) =>
  String(typeof sql === 'object' && sql && 'text' in sql ? (sql as { text: string }).text : sql)
    .replace(/\s+/g, ' ')
    .slice(0, 110);

function instrument() {
  const sendCommand = Redis.prototype.sendCommand;
  Redis.prototype.sendCommand = function (this: Redis, ...args: Parameters<Redis['sendCommand']>) {
    const command = args[0] as unknown as { name: string; args: unknown[] };
    current.getStore()?.redis.push(`${args[1] ? '  (pipelined) ' : ''}${redisLine(command.name, command.args)}`);
    return sendCommand.apply(this, args);
  };
  const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  (pg.Client.prototype as { query: unknown }).query = function (this: pg.Client, ...args: unknown[]) {
    current.getStore()?.pg.push(sqlLine(args[0]));
    return query.apply(this, args);
  };
}

async function main() {
  const asJson = process.argv.includes('--json');
  const repeatAt = process.argv.indexOf('--repeat');
  const repeat = repeatAt > 0 ? Number(process.argv[repeatAt + 1]) : 20;
  if (!Number.isInteger(repeat) || repeat < 1 || repeat > 1000) throw new Error('--repeat must be an integer from 1 to 1000');
  const warmups = 50;
  let env: BenchEnvironment | undefined;
  let close: (() => Promise<void>) | undefined;
  try {
    env = await createBenchEnvironment();
    prefix = env.redisPrefix;
    const data = await seed(env, 1, warmups + repeat + 2);
    instrument();

    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const config = parseConfig({ ...env.serverEnv, ISSUER: `http://127.0.0.1:${port}`, LOG_LEVEL: 'silent' }) as Config;
    const log = createLogger(config.logLevel);
    const services = await createServices(config, log, { providerPages: hostedProviderPages(log) });
    const handler = createApp(services).callback();
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const trace: RequestTrace = { request: `${req.method} ${req.url!.split('?')[0]!.replace(/\/[A-Za-z0-9_-]{20,}/g, '/<uid>')}`, redis: [], pg: [] };
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      res.once('finish', () => {
        const cpu = process.cpuUsage(cpu0);
        trace.status = res.statusCode;
        trace.ms = performance.now() - t0;
        trace.cpuMs = (cpu.user + cpu.system) / 1000;
      });
      traces.push(trace);
      current.run(trace, () => void handler(req, res));
    });
    close = async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await services.close();
    };

    const url = `http://127.0.0.1:${port}`;
    const password = signInOp(url, data.app, data.users, 1);
    const roster = totpRoster(data.totpUsers);
    const totp = totpSignInOp(url, data.app, roster, 1);
    const result: Record<string, FlowTrace[]> = {};
    for (const [name, op] of [
      ['password', () => password.op(0)],
      ['passwordTotp', () => totp.op()],
    ] as const) {
      for (let i = 0; i < warmups; i++) await op(); // client cache, signing keys, JIT
      const runs: RequestTrace[][] = [];
      for (let i = 0; i < repeat; i++) {
        traces = [];
        await op();
        // let what the last response left running (e.g. an audit write) land in its trace
        await new Promise((resolve) => setTimeout(resolve, 20));
        runs.push(traces);
      }
      traces = [];
      const last = runs.at(-1)!;
      if (runs.some((r) => r.length !== last.length)) throw new Error(`${name}: the sign-ins did not all make the same requests`);
      const mean = (f: (t: RequestTrace) => number | undefined, i: number) => Math.round((runs.reduce((a, r) => a + (f(r[i]!) ?? 0), 0) / runs.length) * 100) / 100;
      result[name] = last.map((t, i) => ({ request: t.request, status: t.status, meanMs: mean((x) => x.ms, i), meanCpuMs: mean((x) => x.cpuMs, i), redis: t.redis, pg: t.pg }));
    }
    await Promise.all([password.close(), totp.close()]);

    if (asJson) {
      process.stdout.write(`${JSON.stringify({ repeat, flows: result }, null, 2)}\n`);
    } else {
      for (const [name, list] of Object.entries(result)) {
        const total = (f: (t: FlowTrace) => number) => list.reduce((a, t) => a + f(t), 0);
        process.stdout.write(
          `\n== ${name} sign-in (means of ${repeat}): ${list.length} HTTP requests, ${total((t) => t.redis.length)} Redis commands, ${total((t) => t.pg.length)} Postgres queries, ` +
            `${total((t) => t.meanMs).toFixed(1)} ms in requests, ${total((t) => t.meanCpuMs).toFixed(1)} ms CPU\n`,
        );
        for (const t of list) {
          process.stdout.write(`\n${t.request} → ${t.status}: ${t.meanMs} ms, ${t.meanCpuMs} ms CPU, ${t.redis.length} Redis, ${t.pg.length} Postgres\n`);
          for (const r of t.redis) process.stdout.write(`  redis  ${r}\n`);
          for (const q of t.pg) process.stdout.write(`  pg     ${q}\n`);
        }
      }
    }
  } finally {
    await close?.().catch(() => {});
    await env?.remove();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(1);
  },
);
