// A scriptable browser stand-in for protocol tests: a cookie jar (tough-cookie), manual
// redirects, and helpers that read our forms the way a browser would submit them.
// Page-level behaviour is tested in a real browser (test/e2e/*browser*); this is for the many
// protocol cases where a browser adds only time.
import { CookieJar } from 'tough-cookie';

export interface Step {
  url: string;
  status: number;
  location?: string;
  body: string;
  headers: Headers;
}

export function createUserAgent(opts: { headers?: Record<string, string> } = {}) {
  const jar = new CookieJar();

  async function request(url: string, init: RequestInit = {}): Promise<Step> {
    const headers = new Headers(init.headers);
    for (const [k, v] of Object.entries(opts.headers ?? {})) if (!headers.has(k)) headers.set(k, v);
    const cookie = await jar.getCookieString(url);
    if (cookie) headers.set('cookie', cookie);
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) await jar.setCookie(c, url, { ignoreError: true });
    const location = res.headers.get('location');
    return { url, status: res.status, body: await res.text(), headers: res.headers, ...(location ? { location: new URL(location, url).href } : {}) };
  }

  /** Follow redirects until a page (non-3xx) or a URL that starts with `stopAt`. */
  async function follow(url: string, init: RequestInit = {}, stopAt?: string): Promise<Step> {
    let step = await request(url, init);
    for (let i = 0; i < 15 && step.location; i++) {
      if (stopAt && step.location.startsWith(stopAt)) return step;
      step = await request(step.location);
    }
    return step;
  }

  /** Submit the page's form that posts to a URL matching `action` with the given fields. */
  async function submit(page: Step, action: RegExp, fields: Record<string, string>, stopAt?: string): Promise<Step> {
    const forms = [...page.body.matchAll(/<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/g)];
    const form = forms.find((f) => action.test(f[1]!));
    if (!form) throw new Error(`no form matching ${action} on ${page.url} (status ${page.status}):\n${page.body.slice(0, 2000)}`);
    const body = new URLSearchParams();
    for (const input of form[2]!.matchAll(/<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)) {
      body.set(input[1]!, decodeEntities(input[2]!));
    }
    // a checked radio button is sent, as a browser would
    for (const input of form[2]!.matchAll(/<input[^>]*type="radio"[^>]*name="([^"]+)"[^>]*value="([^"]*)"[^>]*\schecked/g)) {
      body.set(input[1]!, decodeEntities(input[2]!));
    }
    for (const [k, v] of Object.entries(fields)) body.set(k, v);
    const target = new URL(decodeEntities(form[1]!), page.url).href;
    return follow(target, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } }, stopAt);
  }

  return { jar, request, follow, submit };
}

export type UserAgent = ReturnType<typeof createUserAgent>;

function decodeEntities(s: string): string {
  return s
    .replace(/&#39;/g, "'")
    .replace(/&#x2F;/g, '/')
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
