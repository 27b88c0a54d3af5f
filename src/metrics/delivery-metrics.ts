// E-mail and SMS sends and failures, counted around whichever mailer and SMS sender are in use.
import type { Mailer } from '../mail/mailer.js';
import type { SmsSender } from '../sms/sms-sender.js';
import type { Metrics } from './metrics.js';

const category = (c: string | undefined) => (c && /^[a-z0-9-]{1,40}$/.test(c) ? c : 'other');

export function withMailMetrics(mailer: Mailer, metrics: Metrics): Mailer {
  return {
    ...mailer,
    async send(message) {
      const labels = { channel: 'email', category: category(message.category) };
      try {
        await mailer.send(message);
      } catch (err) {
        metrics.deliveries.inc({ ...labels, result: 'failed' });
        throw err;
      }
      metrics.deliveries.inc({ ...labels, result: 'sent' });
    },
  };
}

export function withSmsMetrics(sms: SmsSender, metrics: Metrics): SmsSender {
  return {
    async send(to, text, options) {
      const labels = { channel: 'sms', category: category(options?.category) };
      try {
        await sms.send(to, text, options);
      } catch (err) {
        metrics.deliveries.inc({ ...labels, result: 'failed' });
        throw err;
      }
      metrics.deliveries.inc({ ...labels, result: 'sent' });
    },
  };
}
