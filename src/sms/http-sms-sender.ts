// A generic HTTP SMS provider: POST {"to": "+31…", "text": "…"} as JSON to SMS_HTTP_URL with
// SMS_HTTP_AUTHORIZATION as the Authorization header. Most providers, or a small adapter in
// front of one, take this shape. Each attempt has its own timeout; network errors, timeouts,
// 5xx and 429 are tried again (up to 3 attempts, with backoff, honouring Retry-After up to a
// cap); any other answer is final. The Authorization value, the URL's query and the message
// text (it holds a code) never appear in an error or a log line.
import { setTimeout as sleep } from 'node:timers/promises';
import { AppError } from '../errors.js';
import type { Logger } from '../log.js';
import { maskPhone } from '../mail/mask.js';
import type { SmsSender } from './sms-sender.js';

export interface HttpSmsSenderOptions {
  url: string;
  authorization: string | undefined;
  /** per attempt */
  timeoutMs: number;
  log: Logger;
  /** default 3 */
  attempts?: number;
  /** wait before the second attempt; doubled for each further one (default 500 ms) */
  backoffMs?: number;
  /** longest Retry-After we wait for; a longer one ends the tries at once (default 5 s) */
  maxRetryAfterMs?: number;
}

type Outcome = { ok: true } | { ok: false; retry: boolean; reason: string; status?: number; retryAfterMs?: number };

export function createHttpSmsSender(opts: HttpSmsSenderOptions): SmsSender {
  const attempts = opts.attempts ?? 3;
  const backoffMs = opts.backoffMs ?? 500;
  const maxRetryAfterMs = opts.maxRetryAfterMs ?? 5000;
  const { log } = opts;
  // logs name the provider by its origin: the path or query may hold an API key
  const provider = new URL(opts.url).origin;
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (opts.authorization) headers['authorization'] = opts.authorization;

  async function attempt(body: string): Promise<Outcome> {
    let res: Response;
    try {
      res = await fetch(opts.url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(opts.timeoutMs) });
    } catch (err) {
      const name = (err as Error)?.name;
      const reason = name === 'TimeoutError' || name === 'AbortError' ? `no answer within ${opts.timeoutMs} ms` : `network error (${networkCode(err)})`;
      return { ok: false, retry: true, reason };
    }
    // the body is not read: a provider's error text may repeat the number or the message
    await res.body?.cancel().catch(() => undefined);
    if (res.status >= 200 && res.status < 300) return { ok: true };
    const retry = res.status === 429 || res.status >= 500;
    const retryAfterMs = retry ? parseRetryAfter(res.headers.get('retry-after'), Date.now()) : undefined;
    return { ok: false, retry, reason: `HTTP ${res.status}`, status: res.status, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  }

  return {
    async send(to, text, options = {}) {
      const category = options.category ?? 'sms';
      const masked = maskPhone(to);
      const body = JSON.stringify({ to, text });
      let last: Outcome = { ok: false, retry: false, reason: 'not attempted' };
      for (let n = 1; n <= attempts; n++) {
        last = await attempt(body);
        if (last.ok) {
          log.info({ event: 'sms.sent', category, to: masked, provider, attempts: n }, 'text message sent');
          return;
        }
        const { reason, status } = last;
        log.warn({ event: 'sms.attempt_failed', category, to: masked, provider, attempt: n, reason, status }, 'SMS provider did not take the message');
        if (!last.retry || n === attempts) break;
        const wait = last.retryAfterMs ?? backoffMs * 2 ** (n - 1);
        if (wait > maxRetryAfterMs) {
          last = { ...last, reason: `${reason}, asked to retry after ${Math.ceil(wait / 1000)} s` };
          break;
        }
        await sleep(wait);
      }
      const reason = last.ok ? '' : last.reason;
      log.error({ event: 'sms.failed', category, to: masked, provider, reason }, 'text message could not be sent');
      throw new AppError('delivery_failed', 502, `text message could not be sent: ${reason}`);
    },
  };
}

/** Retry-After: seconds or an HTTP date (RFC 9110 §10.2.3); undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function networkCode(err: unknown): string {
  const cause = (err as { cause?: { code?: unknown } })?.cause;
  return typeof cause?.code === 'string' ? cause.code : 'connection failed';
}
