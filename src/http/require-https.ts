// With an https issuer every cookie is Secure (and __Host-/__Secure- prefixed), which browsers
// and the cookies library refuse over plain http. A request that reaches us over http then
// means a misconfiguration: usually a TLS proxy in front without TRUST_PROXY=true, so the
// X-Forwarded-Proto header is ignored. Say so, instead of failing later with a 500 or a
// cookie the browser drops silently.
import type { Middleware } from 'koa';
import type { Logger } from '../log.js';

const probes = new Set(['/healthz', '/readyz']);

export function requireHttps(opts: { enabled: boolean; trustProxy: boolean; log: Logger }): Middleware {
  let warned = false;
  return async (ctx, next) => {
    if (!opts.enabled || ctx.secure || probes.has(ctx.path)) return next();
    if (!warned) {
      warned = true;
      opts.log.warn(
        { trustProxy: opts.trustProxy, forwardedProto: ctx.get('x-forwarded-proto') || undefined },
        opts.trustProxy
          ? 'request over http although ISSUER is https: the proxy does not send X-Forwarded-Proto: https'
          : 'request over http although ISSUER is https: behind a TLS proxy set TRUST_PROXY=true',
      );
    }
    ctx.status = 421;
    ctx.type = 'text/plain';
    ctx.body =
      'This service is only available over HTTPS. If you operate it: the request reached Twofold over plain HTTP; behind a TLS proxy set TRUST_PROXY=true and make the proxy send X-Forwarded-Proto.\n';
    return undefined;
  };
}
