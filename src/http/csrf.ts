// CSRF protection for every form we render: a signed double-submit token (OWASP). A random
// value lives in an HttpOnly cookie; each form carries HMAC(key, cookie value). A cross-site
// page can neither read the cookie nor compute the token. Origin, when the browser sends it,
// must be our own.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context } from 'koa';
import { AppError } from '../errors.js';

export interface Csrf {
  /** The token to embed in a form; sets the cookie when the browser has none. */
  token(ctx: Context): string;
  /** Throws AppError('csrf_failed') unless the submitted token matches the browser's cookie. */
  verify(ctx: Context, submitted: unknown): void;
}

export function createCsrf(opts: { keys: string[]; secure: boolean; issuer: string }): Csrf {
  const cookieName = opts.secure ? '__Host-twofold.csrf' : 'twofold.csrf';
  const macKeys = opts.keys.map((k) => createHmac('sha256', k).update('twofold csrf v1').digest());
  const origin = new URL(opts.issuer).origin;
  const mac = (key: Buffer, value: string) => createHmac('sha256', key).update(value).digest();

  const cookieOptions = { httpOnly: true, sameSite: 'lax' as const, secure: opts.secure, path: '/', signed: false, overwrite: true };

  return {
    token(ctx) {
      // a cookie made earlier in this request is not in ctx.cookies yet: remember it, so every
      // form of one page (its own and the layout's) carries a token for the same cookie
      let value = (ctx.state['csrfCookie'] as string | undefined) ?? ctx.cookies.get(cookieName);
      if (!value || !/^[A-Za-z0-9_-]{43}$/.test(value)) {
        value = randomBytes(32).toString('base64url');
        ctx.cookies.set(cookieName, value, cookieOptions);
        ctx.state['csrfCookie'] = value;
      }
      return mac(macKeys[0]!, value).toString('base64url');
    },
    verify(ctx, submitted) {
      const requestOrigin = ctx.get('origin');
      if (requestOrigin && requestOrigin !== 'null' && requestOrigin !== origin) {
        throw new AppError('csrf_failed', 403, 'cross-origin form submission');
      }
      const value = ctx.cookies.get(cookieName);
      if (!value || typeof submitted !== 'string' || submitted.length > 64) throw new AppError('csrf_failed', 403, 'missing CSRF token or cookie');
      const given = Buffer.from(submitted, 'base64url');
      const ok = macKeys.some((key) => {
        const expected = mac(key, value);
        return given.length === expected.length && timingSafeEqual(given, expected);
      });
      if (!ok) throw new AppError('csrf_failed', 403, 'CSRF token does not match');
    },
  };
}
