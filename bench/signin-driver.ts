// One full password sign-in, the way a browser and a relying party do it: authorize → sign-in
// page → POST e-mail + password → back to the authorization endpoint → code → token exchange
// (PKCE S256, client_secret_basic). Every sign-in is a new browser (a fresh cookie jar), so it
// creates a new session; the HTTP connections are shared, as they do not matter to the server.
import { createHash, randomBytes } from 'node:crypto';
import { CookieJar } from 'tough-cookie';
import { Pool } from 'undici';

export interface SignInClient {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}

interface Response {
  status: number;
  location: string | undefined;
  body: string;
}

export function signInOp(url: string, client: SignInClient, users: Array<{ email: string; password: string }>, connections: number) {
  const pool = new Pool(url, { connections, pipelining: 1, headersTimeout: 10_000, bodyTimeout: 10_000 });
  const origin = new URL(url).origin;
  const basic = Buffer.from(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`).toString('base64');

  async function request(jar: CookieJar, target: string, init: { method?: 'GET' | 'POST'; headers?: Record<string, string>; body?: string } = {}): Promise<Response> {
    const u = new URL(target, url);
    if (u.origin !== origin) throw new Error(`refusing to leave ${origin}: ${u.href}`);
    const cookie = jar.getCookieStringSync(u.href);
    const res = await pool.request({
      path: u.pathname + u.search,
      method: init.method ?? 'GET',
      headers: { 'user-agent': 'twofold-bench', ...(cookie ? { cookie } : {}), ...init.headers },
      body: init.body ?? null,
    });
    const setCookie = res.headers['set-cookie'];
    for (const c of Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : []) jar.setCookieSync(c, u.href, { ignoreError: true });
    const location = res.headers['location'];
    return { status: res.statusCode, location: typeof location === 'string' ? new URL(location, u).href : undefined, body: await res.body.text() };
  }

  const expectRedirect = (res: Response, what: string): string => {
    if (res.status < 300 || res.status > 399 || !res.location) throw new Error(`${what}: expected a redirect, got ${res.status} ${res.body.slice(0, 200)}`);
    return res.location;
  };

  async function op(worker: number): Promise<void> {
    const user = users[worker % users.length]!;
    const jar = new CookieJar();
    const verifier = randomBytes(32).toString('base64url');
    const state = randomBytes(16).toString('base64url');
    const authorize = new URL('/auth', url);
    authorize.search = new URLSearchParams({
      client_id: client.clientId,
      redirect_uri: client.redirectUri,
      response_type: 'code',
      scope: 'openid email profile',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
      state,
      nonce: randomBytes(16).toString('base64url'),
    }).toString();

    const interaction = expectRedirect(await request(jar, authorize.href), 'authorize');
    const page = await request(jar, interaction);
    const form = /<form method="post" action="([^"]+\/login)"[\s\S]*?name="csrf" value="([^"]+)"/.exec(page.body);
    if (page.status !== 200 || !form) throw new Error(`sign-in page: got ${page.status} ${page.body.slice(0, 200)}`);

    const posted = await request(jar, form[1]!, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin },
      body: new URLSearchParams({ csrf: form[2]!, email: user.email, password: user.password }).toString(),
    });
    const resume = expectRedirect(posted, 'password');
    const callback = new URL(expectRedirect(await request(jar, resume), 'resume'));
    const code = callback.searchParams.get('code');
    if (!callback.href.startsWith(client.redirectUri) || !code || callback.searchParams.get('state') !== state) {
      throw new Error(`authorization response without code or with the wrong state: ${callback.href}`);
    }

    const token = await pool.request({
      path: '/token',
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: client.redirectUri, code_verifier: verifier }).toString(),
    });
    const text = await token.body.text();
    if (token.statusCode !== 200) throw new Error(`token exchange: ${token.statusCode} ${text.slice(0, 200)}`);
    const tokens = JSON.parse(text) as { id_token?: string; access_token?: string };
    if (!tokens.id_token || !tokens.access_token) throw new Error(`token exchange without id_token or access_token: ${text.slice(0, 200)}`);
  }

  return { op, close: () => pool.close() };
}
