// Sending e-mail: through the SMTP server of SMTP_URL, or into the development outbox when
// OUTBOX is on, or nowhere (every send fails, saying why) when neither is configured.
import type { Config } from '../config/index.js';
import { AppError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Outbox } from '../outbox/outbox.js';
import { createOutboxMailer } from '../outbox/outbox-mailer.js';
import type { Mailer } from './mailer.js';
import { maskEmail } from './mask.js';
import { createSmtpMailer } from './smtp-mailer.js';

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
