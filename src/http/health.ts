// Liveness (/healthz: the process answers) and readiness (/readyz: Postgres and the
// short-lived store answer within a second). A load balancer routes only to ready replicas.
import type { Middleware } from 'koa';

export interface Probe {
  name: string;
  check(): Promise<void>;
}

const withTimeout = (p: Promise<void>, ms: number) => Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms).unref())]);

export function healthRoutes(probes: Probe[], isShuttingDown: () => boolean): Middleware {
  return async (ctx, next) => {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next();
    if (ctx.path === '/healthz') {
      ctx.body = { status: 'ok' };
      return undefined;
    }
    if (ctx.path !== '/readyz') return next();
    const results = await Promise.all(
      probes.map(async (p) => {
        try {
          await withTimeout(p.check(), 1000);
          return [p.name, 'ok'] as const;
        } catch {
          return [p.name, 'unavailable'] as const;
        }
      }),
    );
    const ready = !isShuttingDown() && results.every(([, s]) => s === 'ok');
    ctx.status = ready ? 200 : 503;
    ctx.body = { status: ready ? 'ready' : isShuttingDown() ? 'shutting_down' : 'not_ready', checks: Object.fromEntries(results) };
    return undefined;
  };
}
