// A real SMTP server in the test process: what Twofold sends arrives here, parsed, and a test
// waits for the message it expects (the way a person checks their inbox).
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface Inbox {
  url: string;
  messages: Array<{ to: string[]; mail: ParsedMail }>;
  /** the next message to `to` (waits up to 5 s) */
  next(to: string): Promise<ParsedMail>;
  close(): Promise<void>;
}

export async function startInbox(): Promise<Inbox> {
  const messages: Inbox['messages'] = [];
  const read = new Map<string, number>();
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream).then(
        (mail) => {
          messages.push({ to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()), mail });
          callback();
        },
        (err: Error) => callback(err),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    async next(to) {
      const who = to.toLowerCase();
      const end = Date.now() + 5000;
      for (;;) {
        const seen = read.get(who) ?? 0;
        const mine = messages.filter((m) => m.to.includes(who));
        if (mine.length > seen) {
          read.set(who, seen + 1);
          return mine[seen]!.mail;
        }
        if (Date.now() > end) throw new Error(`no e-mail to ${to} arrived`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The 6-digit code in a sign-in-code e-mail's text part. */
export const codeIn = (mail: ParsedMail): string => /\b(\d{6})\b/.exec(mail.text ?? '')![1]!;
