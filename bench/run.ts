// `npm run bench`: Twofold's throughput against references measured in the same run on this
// machine, with real Postgres and Redis. Prints one JSON document on stdout, progress on stderr.
//
// Settings (environment): BENCH_CONNECTIONS (client-credentials connections, default 16),
// BENCH_USERS (concurrent sign-in virtual users, default 8), BENCH_SECONDS (measured seconds per
// phase, default 10), BENCH_PROFILE=<dir> (write a CPU profile of each server during each
// measured window to <dir>/<phase>.cpuprofile; read them with bench/profile-top.ts; profiling
// slows the servers, so such a run is for finding costs, not for the figures).
import { mkdir } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createRequire } from 'node:module';
import { argon2Reference, combineReferences } from './argon2-reference.js';
import { clientCredentialsOp } from './client-credentials.js';
import { cpuReport, perOperation, snapshot } from './cpu.js';
import { startChild, type Child } from './ipc.js';
import { closedLoop, round } from './load.js';
import { memoryByKind } from './redis-memory.js';
import { createBenchEnvironment, seed, type BenchEnvironment } from './setup.js';
import { signInOp } from './signin-driver.js';

const intEnv = (name: string, fallback: number, max: number) => {
  const n = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new Error(`${name} must be an integer from 1 to ${max}`);
  return n;
};
const settings = {
  connections: intEnv('BENCH_CONNECTIONS', 16, 256),
  virtualUsers: intEnv('BENCH_USERS', 8, 256),
  warmupSeconds: 3,
  measureSeconds: intEnv('BENCH_SECONDS', 10, 30),
  maxTokenRequestsPerPhase: 500_000,
  maxSignInsPerPhase: 20_000,
  argon2ReferenceSeconds: 3,
  profileDir: process.env.BENCH_PROFILE,
};
const target = { clientCredentialsRatio: 0.8, signInsPerCoreRatio: 0.8, redisBytesPerSession: 2048 };
const hardLimitMs = 170_000;

const progress = (msg: string) => process.stderr.write(`[bench ${(performance.now() / 1000).toFixed(1)}s] ${msg}\n`);
const packageVersion = (name: string) => (createRequire(import.meta.url)(`${name}/package.json`) as { version: string }).version;

/** Snapshots for a measured window; with BENCH_PROFILE, the server is profiled inside it. */
function windowSnapshots(server: Child, phase: string) {
  const file = settings.profileDir ? resolve(settings.profileDir, `${phase}.cpuprofile`) : undefined;
  let opened = false;
  return async () => {
    if (!opened) {
      opened = true;
      if (file) await server.profileStart();
      return snapshot(server);
    }
    const s = await snapshot(server);
    if (file) await server.profileStop(file);
    return s;
  };
}

/** client credentials with the same driver against either server */
async function clientCredentials(server: Child, client: { clientId: string; clientSecret: string }, phase: string) {
  const driver = clientCredentialsOp(server.url, client, settings.connections);
  try {
    const r = await closedLoop(
      {
        workers: settings.connections,
        warmupMs: settings.warmupSeconds * 1000,
        durationMs: settings.measureSeconds * 1000,
        maxOps: settings.maxTokenRequestsPerPhase,
        snapshot: windowSnapshots(server, phase),
      },
      driver.op,
    );
    const cpu = cpuReport(r.before, r.after, r.windowSeconds);
    const { before: _b, after: _a, ...rest } = r;
    return { ...rest, tokensPerServerCpuSecond: round(r.ok / cpu.serverCpuSeconds, 1), cpu, perToken: perOperation(r.before, r.after, r.ok) };
  } finally {
    await driver.close();
  }
}

async function main() {
  const t0 = performance.now();
  const durations: Record<string, number> = {};
  const lap = (name: string, since: number) => (durations[name] = round((performance.now() - since) / 1000, 2));
  const loadBefore = loadavg();
  const children: Child[] = [];
  let env: BenchEnvironment | undefined;

  // whatever happens, remove the database and the keys, and stop the children
  let cleaning: Promise<void> | undefined;
  const cleanup = () =>
    (cleaning ??= (async () => {
      await Promise.allSettled(children.map((c) => c.stop()));
      if (env) await env.remove().catch((err: unknown) => progress(`cleanup failed: ${String(err)}`));
    })());
  const abort = (why: string, code: number) => {
    progress(why);
    void cleanup().finally(() => process.exit(code));
  };
  const watchdog = setTimeout(() => abort(`still running after ${hardLimitMs / 1000} s: aborting`, 1), hardLimitMs);
  process.once('SIGINT', () => abort('interrupted', 130));
  process.once('SIGTERM', () => abort('terminated', 143));

  try {
    let t = performance.now();
    progress('argon2id reference: verifications back to back on one core');
    const argon2Before = await argon2Reference({ durationMs: settings.argon2ReferenceSeconds * 1000, maxOps: 2000 });
    lap('argon2ReferenceBefore', t);

    t = performance.now();
    progress('creating the bench database and Redis prefix, seeding');
    env = await createBenchEnvironment();
    const data = await seed(env, settings.virtualUsers);
    if (settings.profileDir) await mkdir(settings.profileDir, { recursive: true });
    const [bare, twofold] = await Promise.all([
      startChild(new URL('./bare-provider.ts', import.meta.url), { BENCH_CLIENT_ID: data.service.clientId, BENCH_CLIENT_SECRET: data.service.clientSecret }),
      startChild(new URL('./server.ts', import.meta.url), env.serverEnv),
    ]);
    children.push(bare, twofold);
    lap('setup', t);

    t = performance.now();
    progress(`client credentials, bare oidc-provider, ${settings.connections} connections`);
    const ccBare = await clientCredentials(bare, data.service, 'client-credentials-bare');
    lap('clientCredentialsBare', t);

    t = performance.now();
    progress(`client credentials, Twofold, ${settings.connections} connections`);
    const ccTwofold = await clientCredentials(twofold, data.service, 'client-credentials-twofold');
    lap('clientCredentialsTwofold', t);

    t = performance.now();
    progress(`password sign-ins, Twofold, ${settings.virtualUsers} virtual users`);
    const driver = signInOp(twofold.url, data.app, data.users, settings.virtualUsers);
    const signIns = await closedLoop(
      {
        workers: settings.virtualUsers,
        warmupMs: settings.warmupSeconds * 1000,
        durationMs: settings.measureSeconds * 1000,
        maxOps: settings.maxSignInsPerPhase,
        snapshot: windowSnapshots(twofold, 'sign-ins-twofold'),
      },
      driver.op,
    ).finally(() => driver.close());
    const signInCpu = cpuReport(signIns.before, signIns.after, signIns.windowSeconds);
    lap('signIns', t);

    t = performance.now();
    progress('Redis: MEMORY USAGE of every key the run left');
    const kinds = await memoryByKind(env.redis, env.redisPrefix);
    lap('redisMemory', t);

    t = performance.now();
    progress('argon2id reference again, now that the machine has been under load');
    const argon2 = combineReferences([argon2Before, await argon2Reference({ durationMs: settings.argon2ReferenceSeconds * 1000, maxOps: 2000 })]);
    lap('argon2ReferenceAfter', t);

    const signInKinds = Object.entries(kinds).filter(([kind]) => kind !== 'ClientCredentials');
    const sessions = kinds['Session'];
    const bytesPerSession = sessions ? Math.round(sessions.bytes / sessions.keys) : NaN;
    const bytesPerSessionWithUid = sessions ? Math.round((sessions.bytes + (kinds['Session uid pointer']?.bytes ?? 0)) / sessions.keys) : NaN;
    const bytesPerSignIn = Math.round(signInKinds.reduce((sum, [, k]) => sum + k.bytes, 0) / signIns.totalOk);
    const signInsPerServerCpuSecond = signIns.ok / signInCpu.serverCpuSeconds;
    const { before: _b, after: _a, ...signInFigures } = signIns;

    const ccRatio = ccTwofold.perSecond / ccBare.perSecond;
    const signInRatio = signInsPerServerCpuSecond / argon2.perCpuSecond;
    durations.total = round((performance.now() - t0) / 1000, 2);

    const result = {
      bench: 'twofold',
      at: new Date().toISOString(),
      machine: {
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model ?? 'unknown',
        memoryGiB: round(totalmem() / 2 ** 30, 1),
        node: process.version,
        loadavgBefore: loadBefore.map((n) => round(n, 2)),
        loadavgAfter: loadavg().map((n) => round(n, 2)),
        postgres: env.postgresVersion,
        redis: env.redisVersion,
        oidcProvider: packageVersion('oidc-provider'),
        nodeRsArgon2: packageVersion('@node-rs/argon2'),
      },
      settings,
      method: {
        processes:
          'Twofold (bench/server.ts, built like test/support/app.ts: production config parser, real Postgres and Redis, LOG_LEVEL=silent) and the bare oidc-provider (bench/bare-provider.ts) each run in their own child process; the load generator (undici Pool, closed loop: N workers issue one operation after another) runs in the parent. Each phase warms up for warmupSeconds, then counts the operations completed in a measureSeconds window.',
        cpu: 'serverCpuSeconds is the server child process.cpuUsage() delta over the window (all its threads: the main thread, the libuv pool where argon2id runs, V8 helpers), reported over IPC; the main/other thread split is from /proc/<pid>/task/*/stat; driverCores is this process; machineBusyCores is /proc/stat; restCores = machine - server - driver (Redis, Postgres, kernel, anything else running). perToken / perSignIn: HTTP requests, Redis commands and round trips (a MULTI or pipeline is one) and Postgres queries the Twofold process made in the window, counted inside it by wrapping ioredis and pg (bench/counters.ts), divided by the operations completed.',
        clientCredentials: 'POST /token grant_type=client_credentials with client_secret_basic, N keep-alive connections. Twofold reads the client from Postgres (clients table, AES-GCM sealed secret) and stores the token in Redis; the reference uses a static client and the in-memory adapter. ratio = Twofold tokens/s ÷ reference tokens/s (same driver, same N, same run); ratioPerServerCpuSecond compares tokens per CPU-second of each server process.',
        signIns: 'One sign-in = GET /auth (PKCE S256) → GET the sign-in page → POST e-mail, password and CSRF token → GET the resume URL → 303 to redirect_uri with code → POST /token (authorization_code, client_secret_basic). Each sign-in uses a fresh cookie jar (a new browser, a new session); N virtual users run concurrently, user i signs in as account i. Latency is of one whole sign-in.',
        perCore:
          'signInsPerServerCpuSecond = sign-ins completed in the window ÷ CPU seconds the Twofold process used in the same window (= sign-ins/s ÷ cores the server process actually used). ratio = that ÷ argon2id verifications per CPU second of @node-rs/argon2 verifySync back to back on one thread with src/passwords/hasher.ts argon2Params, run before and after the load phases (per CPU second, not per wall second, because on a shared machine that thread may get less than a core; coresUsed shows how much it got). Postgres and Redis CPU is not in the denominator (it is in restCores).',
        redis: 'After the sign-ins, MEMORY USAGE <key> SAMPLES 0 of every key under the run prefix, grouped by kind (src/oidc/adapter.ts layout). bytesPerSession = Session records ÷ sessions; withUidPointer adds the oidc:Session:uid:* pointers; bytesPerSignIn = every key except client-credentials tokens ÷ all sign-ins completed (warm-up included), so it includes short-lived keys (authorization codes, 60 s) that were still alive.',
      },
      clientCredentials: {
        twofold: ccTwofold,
        bareOidcProvider: ccBare,
        ratio: round(ccRatio),
        ratioPerServerCpuSecond: round(ccTwofold.tokensPerServerCpuSecond / ccBare.tokensPerServerCpuSecond),
        target: target.clientCredentialsRatio,
        meetsTarget: ccRatio >= target.clientCredentialsRatio,
      },
      passwordSignIns: {
        ...signInFigures,
        signInsPerServerCpuSecond: round(signInsPerServerCpuSecond, 2),
        serverCpuMsPerSignIn: round((signInCpu.serverCpuSeconds * 1000) / signIns.ok, 2),
        cpu: signInCpu,
        perSignIn: perOperation(signIns.before, signIns.after, signIns.ok),
        argon2Reference: argon2,
        ratio: round(signInRatio),
        target: target.signInsPerCoreRatio,
        meetsTarget: signInRatio >= target.signInsPerCoreRatio,
      },
      redis: {
        signInsCompleted: signIns.totalOk,
        sessions: sessions?.keys ?? 0,
        bytesPerSession,
        bytesPerSessionWithUidPointer: bytesPerSessionWithUid,
        bytesPerSignIn,
        byKind: kinds,
        target: target.redisBytesPerSession,
        meetsTarget: bytesPerSessionWithUid < target.redisBytesPerSession,
      },
      durationsSeconds: durations,
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    clearTimeout(watchdog);
    progress('cleaning up');
    await cleanup();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    progress(`failed: ${(err as Error)?.stack ?? String(err)}`);
    process.exit(1);
  },
);
