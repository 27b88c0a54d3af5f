// Sending a text message, whoever delivers it: an HTTP SMS provider (http-sms-sender.ts) or,
// in development, the outbox (src/outbox/outbox-sms-sender.ts). createSmsSender picks one from
// the config; without either, SMS codes are not offered (see smsAvailable in phone.ts).
import type { Config } from '../config/index.js';
import type { Logger } from '../log.js';
import type { Outbox } from '../outbox/outbox.js';
import { createOutboxSmsSender } from '../outbox/outbox-sms-sender.js';
import { createHttpSmsSender } from './http-sms-sender.js';

export interface SmsSender {
  /**
   * Send `text` to `to` (E.164, from parsePhoneNumber). Resolves once the provider accepted it;
   * throws AppError('delivery_failed') otherwise. `category` names the message in logs.
   */
  send(to: string, text: string, options?: { category?: string }): Promise<void>;
}

export function createSmsSender(deps: { config: Config; log: Logger; outbox: Outbox | undefined }): SmsSender | undefined {
  const { config, log, outbox } = deps;
  if (config.outbox && outbox) return createOutboxSmsSender({ outbox, log });
  if (config.sms.httpUrl) {
    return createHttpSmsSender({ url: config.sms.httpUrl, authorization: config.sms.authorization, timeoutMs: config.sms.timeoutMs, log });
  }
  return undefined;
}
