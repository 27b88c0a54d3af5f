// One full sign-in, the way a browser and a relying party do it: authorize → sign-in page →
// POST e-mail + password → (with an authenticator app: the second-factor page → POST the
// 6-digit code) → back to the authorization endpoint → code → token exchange (PKCE S256,
// client_secret_basic). Every sign-in is a new browser (a fresh cookie jar), so it creates a
// new session; the HTTP connections are shared, as they do not matter to the server. The same
// driver signs in to the bare oidc-provider reference (bench/bare-signin-provider.ts), whose
// sign-in form has no CSRF field.
import { createHash, randomBytes } from 'node:crypto';
import { generate } from 'otplib';
import { CookieJar } from 'tough-cookie';
import { Pool } from 'undici';
import { stepAt, totpPeriodSeconds, type TotpRoster } from './totp-roster.js';

export interface SignInClient {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}

interface SignInUser {
  email: string;
  password: string;
}

interface Response {
  status: number;
  location: string | undefined;
  body: string;
}

/** What the browser does between the password and the return to the authorization endpoint. */
type SecondFactor = (jar: CookieJar, interactionUrl: string) => Promise<Response>;

export interface SignInFormOptions {
  /** the sign-in form carries a CSRF token to post back (Twofold's does; the bare reference's does not) */
  csrf: boolean;
}

const loginForm = {
  csrf: /<form method="post" action="([^"]+\/login)"[\s\S]*?name="csrf" value="([^"]+)"/,
  plain: /<form method="post" action="([^"]+\/login)"/,
};

function signInDriver(url: string, client: SignInClient, connections: number, formOptions: SignInFormOptions = { csrf: true }) {
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

  const postForm = (jar: CookieJar, action: string, fields: Record<string, string>) =>
    request(jar, action, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin }, body: new URLSearchParams(fields).toString() });

  const expectRedirect = (res: Response, what: string): string => {
    if (res.status < 300 || res.status > 399 || !res.location) throw new Error(`${what}: expected a redirect, got ${res.status} ${res.body.slice(0, 200)}`);
    return res.location;
  };

  /** The whole sign-in; answers the ID token's claims. */
  async function signIn(user: SignInUser, secondFactor?: SecondFactor): Promise<Record<string, unknown>> {
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
    const form = (formOptions.csrf ? loginForm.csrf : loginForm.plain).exec(page.body);
    if (page.status !== 200 || !form) throw new Error(`sign-in page: got ${page.status} ${page.body.slice(0, 200)}`);

    const fields = { ...(formOptions.csrf ? { csrf: form[2]! } : {}), email: user.email, password: user.password };
    const afterPassword = expectRedirect(await postForm(jar, form[1]!, fields), 'password');
    const nextIsInteraction = new URL(afterPassword).pathname.startsWith('/interaction/');
    if (nextIsInteraction !== Boolean(secondFactor)) {
      throw new Error(`after the password: ${secondFactor ? 'expected the second-factor page' : 'expected the way back to the app'}, got ${afterPassword}`);
    }
    const resume = secondFactor ? expectRedirect(await secondFactor(jar, afterPassword), 'second factor') : afterPassword;
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
    return JSON.parse(Buffer.from(tokens.id_token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  }

  return { request, postForm, signIn, close: () => pool.close() };
}

/**
 * Password sign-ins: virtual user i signs in as users[i]. `signIn` is one of them answering the
 * ID token's claims, to check a server before measuring it.
 */
export function signInOp(url: string, client: SignInClient, users: SignInUser[], connections: number, formOptions?: SignInFormOptions) {
  const driver = signInDriver(url, client, connections, formOptions);
  return {
    op: async (worker: number) => void (await driver.signIn(users[worker % users.length]!)),
    signIn: (worker: number) => driver.signIn(users[worker % users.length]!),
    close: driver.close,
  };
}

/**
 * Password + authenticator-app sign-ins: each takes a user from the roster that has not used
 * the current time step, types the code of the current step on the factor page, and checks
 * that the ID token says a one-time password was used.
 */
export function totpSignInOp(url: string, client: SignInClient, roster: TotpRoster<SignInUser & { totpSecret: string }>, connections: number) {
  const driver = signInDriver(url, client, connections);

  async function op(): Promise<void> {
    const entry = await roster.take();
    let usedStep: number | undefined;
    try {
      const claims = await driver.signIn(entry.user, async (jar, interactionUrl) => {
        const page = await driver.request(jar, interactionUrl);
        const form = /<form method="post" action="([^"]+\/factor)"[\s\S]*?name="csrf" value="([^"]+)"/.exec(page.body);
        if (page.status !== 200 || !form || !page.body.includes('autocomplete="one-time-code"')) {
          throw new Error(`second-factor page: expected the authenticator-app form, got ${page.status} ${page.body.slice(0, 200)}`);
        }
        const now = Date.now();
        usedStep = stepAt(now);
        const code = await generate({ secret: entry.user.totpSecret, epoch: Math.floor(now / 1000), period: totpPeriodSeconds, digits: 6, algorithm: 'sha1' });
        return driver.postForm(jar, form[1]!, { csrf: form[2]!, code });
      });
      const amr = claims['amr'];
      if (!Array.isArray(amr) || !amr.includes('otp') || !amr.includes('mfa')) throw new Error(`ID token amr without otp and mfa: ${JSON.stringify(amr)}`);
    } finally {
      // after a failure the server may or may not have taken the step: count it as used
      roster.give(entry, usedStep);
    }
  }

  return { op, close: driver.close };
}
