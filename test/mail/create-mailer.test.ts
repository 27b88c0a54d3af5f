// The mailer against a real SMTP conversation (smtp-server in this process, mailparser on what
// arrives): both parts, our From, our headers; failures are AppError('delivery_failed') with no
// credential in the error or the log, and the log never holds the body.
import { createServer, type AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig, type Config } from '../../src/config/index.js';
import { AppError } from '../../src/errors.js';
import { createMailer } from '../../src/mail/create-mailer.js';
import type { MailMessage } from '../../src/mail/mailer.js';
import { createOutbox } from '../../src/outbox/outbox.js';
import { capturedLogger } from './log-capture.js';

const user = 'twofold-mailer';
const password = 'p@ss:w/rd s3cret';
const from = 'Twofold Test <codes@twofold.test>';

interface Received {
  mailFrom: string;
  rcptTo: string[];
  mail: ParsedMail;
}

const received: Received[] = [];
let smtp: SMTPServer;
let port: number;

const message: MailMessage = {
  to: 'ada.lovelace@example.com',
  subject: 'Your Twofold sign-in code',
  text: 'Enter this code: 493817\n\nIt works for 90 seconds.',
  html: '<!doctype html><html><body><p>Enter this code:</p><p><b>493817</b></p></body></html>',
  category: 'sign-in-code',
};

const smtpUrl = (opts: { port?: number; pass?: string } = {}) => `smtp://${user}:${encodeURIComponent(opts.pass ?? password)}@127.0.0.1:${opts.port ?? port}`;

const config = (env: Record<string, string>) => parseConfig({ MAIL_FROM: from, ...env }) as Config;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const free = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return free;
}

async function failure(send: Promise<void>): Promise<AppError> {
  const err = await send.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

beforeAll(async () => {
  smtp = new SMTPServer({
    // plain text on loopback: STARTTLS would need a certificate nodemailer trusts
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === user && auth.password === password) return callback(null, { user });
      return callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      simpleParser(stream).then(
        (mail) => {
          const envelope = session.envelope;
          received.push({ mail, mailFrom: envelope.mailFrom ? envelope.mailFrom.address : '', rcptTo: envelope.rcptTo.map((r) => r.address) });
          callback();
        },
        (err: Error) => callback(err),
      );
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  port = (smtp.server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

describe('SMTP mailer', () => {
  it('delivers both parts from MAIL_FROM, logging the category and the masked recipient only', async () => {
    const { log, lines, text } = capturedLogger();
    const mailer = createMailer({ config: config({ SMTP_URL: smtpUrl() }), log, outbox: undefined });
    try {
      await mailer.send(message);
    } finally {
      await mailer.close();
    }

    expect(received).toHaveLength(1);
    const { mail, mailFrom, rcptTo } = received[0]!;
    expect(mailFrom).toBe('codes@twofold.test');
    expect(rcptTo).toEqual(['ada.lovelace@example.com']);
    expect(mail.from?.value).toEqual([{ name: 'Twofold Test', address: 'codes@twofold.test' }]);
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.text : undefined).toBe('ada.lovelace@example.com');
    expect(mail.subject).toBe(message.subject);
    expect(mail.text?.trim()).toBe(message.text);
    expect(mail.html).toContain('<b>493817</b>');
    expect(mail.headers.get('auto-submitted')).toBe('auto-generated');

    const sent = lines().find((l) => l['event'] === 'mail.sent');
    expect(sent).toMatchObject({ category: 'sign-in-code', to: 'a•••@example.com' });
    expect(text()).not.toContain('493817');
    expect(text()).not.toContain('ada.lovelace');
    expect(text()).not.toContain('s3cret');
  });

  it('an unreachable server gives delivery_failed without the password of the URL', async () => {
    const { log, text } = capturedLogger();
    const url = smtpUrl({ port: await freePort() });
    const mailer = createMailer({ config: config({ SMTP_URL: url }), log, outbox: undefined });
    try {
      const err = await failure(mailer.send(message));
      expect(err.code).toBe('delivery_failed');
      expect(err.status).toBe(502);
      expect(err.expose).toBe(false);
      const everything = `${err.message} ${JSON.stringify(err)} ${String(err.cause ?? '')} ${err.stack ?? ''}`;
      expect(everything).not.toContain('s3cret');
      expect(everything).not.toContain(encodeURIComponent(password));
      expect(text()).toContain('mail.failed');
      expect(text()).not.toContain('s3cret');
      expect(text()).not.toContain('493817');
    } finally {
      await mailer.close();
    }
  });

  it('a refused login gives delivery_failed without the password', async () => {
    const { log, text } = capturedLogger();
    const wrong = 'wrong-s3cret-password';
    const mailer = createMailer({ config: config({ SMTP_URL: smtpUrl({ pass: wrong }) }), log, outbox: undefined });
    try {
      const err = await failure(mailer.send(message));
      expect(err.code).toBe('delivery_failed');
      expect(err.message).not.toContain(wrong);
      expect(text()).toContain('"smtpError":"EAUTH"');
      expect(text()).not.toContain(wrong);
      expect(text()).not.toContain(Buffer.from(`\u0000${user}\u0000${wrong}`).toString('base64'));
    } finally {
      await mailer.close();
    }
  });
});

describe('outbox mailer', () => {
  it('keeps the message in the outbox with MAIL_FROM instead of sending it', async () => {
    const { log, lines } = capturedLogger();
    const outbox = createOutbox();
    const mailer = createMailer({ config: config({ SMTP_URL: smtpUrl(), OUTBOX: 'true' }), log, outbox });
    const before = received.length;
    await mailer.send(message);
    expect(received.length).toBe(before);
    expect(outbox.list()).toMatchObject([{ channel: 'email', from, to: message.to, subject: message.subject, text: message.text, html: message.html, category: 'sign-in-code' }]);
    expect(lines().find((l) => l['event'] === 'mail.outbox')).toMatchObject({ to: 'a•••@example.com', category: 'sign-in-code' });
  });
});

describe('no mail transport', () => {
  it('an https issuer without SMTP_URL or OUTBOX has no outbox, and sending fails clearly', async () => {
    const { log } = capturedLogger();
    const c = config({ ISSUER: 'https://id.example.com' });
    expect(c.outbox).toBe(false);
    const mailer = createMailer({ config: c, log, outbox: undefined });
    const err = await failure(mailer.send(message));
    expect(err.code).toBe('delivery_failed');
    expect(err.message).toContain('SMTP_URL');
  });
});
