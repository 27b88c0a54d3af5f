// Sending e-mail: through the SMTP server of SMTP_URL, or into the development outbox when
// OUTBOX is on. Whichever it is, a failure is AppError('delivery_failed') with nothing secret
// in it, and the log names the category and the masked recipient, never the body (it holds
// codes).
import type { Config } from '../config/index.js';
import { AppError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Outbox } from '../outbox/outbox.js';
import { createOutboxMailer } from '../outbox/outbox-mailer.js';
import { maskEmail } from './mask.js';
import { createSmtpMailer } from './smtp-mailer.js';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** what the message is for, e.g. 'sign-in-code': named in logs instead of the content */
  category: string;
}

export interface Mailer {
  /** Resolves once the SMTP server (or the outbox) took the message; throws AppError('delivery_failed'). */
  send(message: MailMessage): Promise<void>;
  /** Close pooled connections (after the last send). */
  close(): Promise<void>;
}

export function createMailer(deps: { config: Config; log: Logger; outbox: Outbox | undefined }): Mailer {
  const { config, log, outbox } = deps;
  if (config.outbox && outbox) return createOutboxMailer({ outbox, from: config.mail.from, log });
  if (config.mail.smtpUrl) return createSmtpMailer({ smtpUrl: config.mail.smtpUrl, from: config.mail.from, log });
  return unconfiguredMailer(log);
}

/** An https deployment without SMTP_URL (and without OUTBOX=true): e-mail cannot go anywhere. */
function unconfiguredMailer(log: Logger): Mailer {
  return {
    async send(message) {
      log.error({ event: 'mail.failed', category: message.category, to: maskEmail(message.to), reason: 'no_transport' }, 'e-mail not sent: SMTP_URL is not set');
      throw new AppError('delivery_failed', 502, 'e-mail cannot be sent: SMTP_URL is not set');
    },
    async close() {},
  };
}
