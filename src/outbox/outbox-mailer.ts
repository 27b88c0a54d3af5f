// The mailer of development: the e-mail goes to the outbox, not to an SMTP server.
import type { Logger } from '../log.js';
import { maskEmail } from '../mail/mask.js';
import type { Mailer } from '../mail/mailer.js';
import type { Outbox } from './outbox.js';

export function createOutboxMailer(deps: { outbox: Outbox; from: string; log: Logger }): Mailer {
  return {
    async send(message) {
      const { to, subject, text, html, category } = message;
      deps.outbox.add({ channel: 'email', from: deps.from, to, subject, text, html, category });
      deps.log.info({ event: 'mail.outbox', category, to: maskEmail(to) }, 'e-mail kept in the development outbox (not sent)');
    },
    async close() {},
  };
}
