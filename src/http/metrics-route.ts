// GET /metrics in Prometheus' text format, for a scraper that sends METRICS_TOKEN as a bearer
// token (compared in constant time); without METRICS_TOKEN the path is not served at all. Also
// times every request to the token endpoint.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Middleware } from 'koa';
import type { Metrics } from '../metrics/metrics.js';

const digest = (s: string) => createHash('sha256').update(s).digest();

export function metricsRoute(metrics: Metrics, token: string | undefined): Middleware {
  const expected = token ? digest(token) : undefined;
  return async (ctx, next) => {
    if (ctx.path === '/token' && ctx.method === 'POST') {
      const end = metrics.tokenDuration.startTimer();
      try {
        await next();
      } finally {
        end({ status: String(ctx.status) });
      }
      return;
    }
    if (ctx.path !== '/metrics' || !expected) return next();
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next();
    const given = /^Bearer ([\x21-\x7e]{1,512})$/.exec(ctx.get('authorization'))?.[1];
    ctx.set('cache-control', 'no-store');
    if (!given || !timingSafeEqual(digest(given), expected)) {
      ctx.status = 401;
      ctx.set('www-authenticate', 'Bearer realm="metrics"');
      ctx.body = { error: 'invalid_token', error_description: 'send METRICS_TOKEN as a bearer token' };
      return;
    }
    ctx.type = metrics.contentType;
    ctx.body = await metrics.render();
  };
}
