// What sending e-mail means, whoever does it (smtp-mailer.ts, src/outbox/outbox-mailer.ts;
// create-mailer.ts picks one). A failure is AppError('delivery_failed') with nothing secret in
// it, and the log names the category and the masked recipient, never the body (it holds codes).

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
