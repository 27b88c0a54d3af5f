// Headers for every response we send (oidc-provider's own included): no framing, no MIME
// sniffing, no referrer leaking interaction ids, and for pages no caching. Set before the
// handler runs, so they are present even when a handler ends the response itself.
import type { Middleware } from 'koa';

const csp = ["default-src 'none'", "style-src 'self'", "img-src 'self' data:", "script-src 'self'", "connect-src 'self'", "base-uri 'none'", "frame-ancestors 'none'"].join('; ');

// oidc-provider's machine endpoints answer JSON or JWTs to servers, never pages to browsers:
// framing and script policies mean nothing there, and every header costs on the hottest path.
const machineEndpoints = new Set(['/token', '/token/introspection', '/token/revocation', '/me', '/jwks', '/request', '/.well-known/openid-configuration']);

export function securityHeaders(opts: { hsts: boolean }): Middleware {
  return async (ctx, next) => {
    ctx.set('X-Content-Type-Options', 'nosniff');
    if (opts.hsts) ctx.set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    if (machineEndpoints.has(ctx.path)) {
      await next();
      if (!ctx.response.get('Cache-Control')) ctx.set('Cache-Control', 'no-store');
      return;
    }
    ctx.set('Referrer-Policy', 'no-referrer');
    ctx.set('X-Frame-Options', 'DENY');
    ctx.set('Content-Security-Policy', csp);
    ctx.set('Cross-Origin-Opener-Policy', 'same-origin');
    await next();
    // Pages and API answers carry user state; only static assets and discovery may be cached.
    if (!ctx.response.get('Cache-Control')) ctx.set('Cache-Control', 'no-store');
  };
}
