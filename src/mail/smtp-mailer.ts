// E-mail through an SMTP server (nodemailer, pooled). Every wait is bounded, so a silent server
// costs a sign-in page seconds, not minutes. nodemailer's errors are reduced to their code and
// the server's reply, and the URL's user name and password are cut out of that too.
import { createTransport } from 'nodemailer';
import { AppError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Mailer } from './mailer.js';
import { maskEmail } from './mask.js';

/** whole send, queueing in the pool included */
const sendTimeoutMs = 30_000;

export function createSmtpMailer(deps: { smtpUrl: string; from: string; log: Logger }): Mailer {
  const { log } = deps;
  const transport = createTransport({
    url: deps.smtpUrl,
    pool: true,
    maxConnections: 5,
    maxMessages: 100,
    // a message whose connection dropped is tried once more on another connection, not five times
    maxRequeues: 1,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    dnsTimeout: 10_000,
    socketTimeout: 20_000,
    idleTimeout: 60_000,
  });
  const secrets = credentialsOf(deps.smtpUrl);

  return {
    async send(message) {
      const { to, subject, text, html, category } = message;
      const masked = maskEmail(to);
      try {
        const info = await transport.sendMail({
          from: deps.from,
          to,
          subject,
          text,
          html,
          headers: {
            // RFC 3834: no vacation replies or other automatic answers to us
            'Auto-Submitted': 'auto-generated',
            'X-Auto-Response-Suppress': 'All',
          },
          signal: AbortSignal.timeout(sendTimeoutMs),
        });
        log.info({ event: 'mail.sent', category, to: masked, messageId: info.messageId }, 'e-mail sent');
      } catch (err) {
        const reason = describe(err, secrets);
        log.error({ event: 'mail.failed', category, to: masked, ...reason }, 'e-mail could not be sent');
        throw new AppError('delivery_failed', 502, `e-mail could not be sent: ${reason.reason}`);
      }
    },
    async close() {
      transport.close();
    },
  };
}

/** The user name and password in an SMTP URL, decoded and as written, longest first. */
function credentialsOf(smtpUrl: string): string[] {
  try {
    const u = new URL(smtpUrl);
    const values = [u.password, u.username].flatMap((v) => (v ? [v, safeDecode(v)] : []));
    return [...new Set(values)].filter((v) => v.length >= 3).sort((a, b) => b.length - a.length);
  } catch {
    return [];
  }
}

function safeDecode(v: string): string {
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
}

// `smtpError`, not `code`: the logger redacts every field named code (one-time codes)
function describe(err: unknown, secrets: string[]): { reason: string; smtpError?: string; responseCode?: number; command?: string } {
  const e = (err ?? {}) as { name?: string; message?: string; code?: unknown; responseCode?: unknown; command?: unknown };
  let reason = e.name === 'AbortError' || e.name === 'TimeoutError' ? `no answer within ${sendTimeoutMs / 1000} s` : String(e.message ?? 'unknown error');
  for (const s of secrets) reason = reason.split(s).join('***');
  reason = reason.replace(/\s+/g, ' ').slice(0, 300);
  return {
    reason,
    ...(typeof e.code === 'string' ? { smtpError: e.code } : {}),
    ...(typeof e.responseCode === 'number' ? { responseCode: e.responseCode } : {}),
    // the verb and mechanism only: an AUTH command line would carry the credentials
    ...(typeof e.command === 'string' ? { command: /^[A-Za-z]+(?: [A-Za-z0-9-]+)?/.exec(e.command)?.[0] ?? 'unknown' } : {}),
  };
}
