// The SMS sender the config asks for: the development outbox, an HTTP SMS provider, or none
// (then SMS codes are not offered; see smsAvailable in phone.ts).
import type { Config } from '../config/index.js';
import type { Logger } from '../log.js';
import type { Outbox } from '../outbox/outbox.js';
import { createOutboxSmsSender } from '../outbox/outbox-sms-sender.js';
import { createHttpSmsSender } from './http-sms-sender.js';
import type { SmsSender } from './sms-sender.js';

export function createSmsSender(deps: { config: Config; log: Logger; outbox: Outbox | undefined }): SmsSender | undefined {
  const { config, log, outbox } = deps;
  if (config.outbox && outbox) return createOutboxSmsSender({ outbox, log });
  if (config.sms.httpUrl) {
    return createHttpSmsSender({ url: config.sms.httpUrl, authorization: config.sms.authorization, timeoutMs: config.sms.timeoutMs, log });
  }
  return undefined;
}
