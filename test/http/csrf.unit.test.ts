// The CSRF token: signed double-submit. A page with two forms (its own and the layout's idle
// warning) asks for the token twice in one request; both must fit the one cookie it sets.
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import Koa from 'koa';
import { describe, expect, it } from 'vitest';
import { createCsrf } from '../../src/http/csrf.js';

const csrf = createCsrf({ keys: ['test-cookie-key-0123456789abcdefghijklmnopqrstuvwxyz'], secure: false, issuer: 'http://127.0.0.1:3000' });
const app = new Koa({ keys: ['k'] });

function context(cookie?: string) {
  const req = new IncomingMessage(new Socket());
  req.method = 'POST';
  req.headers = cookie ? { cookie } : {};
  return app.createContext(req, new ServerResponse(req));
}

describe('csrf tokens', () => {
  it('are the same for every form of a page that set a new cookie, and that cookie verifies them', () => {
    const first = context();
    const [a, b] = [csrf.token(first), csrf.token(first)];
    expect(b).toBe(a);
    const setCookies = ([] as string[]).concat(first.response.get('set-cookie') as unknown as string[]);
    expect(setCookies).toHaveLength(1);
    const cookie = setCookies[0]!.split(';')[0]!;
    expect(() => csrf.verify(context(cookie), a)).not.toThrow();
    expect(() => csrf.verify(context(cookie), 'x'.repeat(43))).toThrow();
  });
});
