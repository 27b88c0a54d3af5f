// The SMS sender of development: the text message goes to the outbox, not to a phone.
import type { Logger } from '../log.js';
import { maskPhone } from '../mail/mask.js';
import type { SmsSender } from '../sms/sms-sender.js';
import type { Outbox } from './outbox.js';

export function createOutboxSmsSender(deps: { outbox: Outbox; log: Logger }): SmsSender {
  return {
    async send(to, text, options = {}) {
      const category = options.category ?? 'sms';
      deps.outbox.add({ channel: 'sms', to, text, category });
      deps.log.info({ event: 'sms.outbox', category, to: maskPhone(to) }, 'text message kept in the development outbox (not sent)');
    },
  };
}
