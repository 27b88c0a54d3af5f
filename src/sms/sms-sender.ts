// Sending a text message, whoever delivers it: an HTTP SMS provider (http-sms-sender.ts) or,
// in development, the outbox (src/outbox/outbox-sms-sender.ts); create-sms-sender.ts picks one.

export interface SmsSender {
  /**
   * Send `text` to `to` (E.164, from parsePhoneNumber). Resolves once the provider accepted it;
   * throws AppError('delivery_failed') otherwise. `category` names the message in logs.
   */
  send(to: string, text: string, options?: { category?: string }): Promise<void>;
}
