// A real SMTP server in the test process: what Twofold sends arrives here, parsed, and a test
// waits for the message it expects (the way a person checks their inbox).
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface Inbox {
  url: string;
  messages: Array<{ to: string[]; mail: ParsedMail }>;
  /**
   * The next unread message to `to` (waits up to 5 s); with `subject`, the next whose subject
   * matches (others stay unread): security e-mails arrive beside codes and links.
   */
  next(to: string, subject?: RegExp): Promise<ParsedMail>;
  /** The code in the next unread sign-in-code e-mail to `to` (security e-mails stay unread). */
  nextCode(to: string): Promise<string>;
  close(): Promise<void>;
}

export async function startInbox(): Promise<Inbox> {
  const messages: Inbox['messages'] = [];
  const read = new Set<ParsedMail>();
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
  const inbox: Inbox = {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    async next(to, subject) {
      const who = to.toLowerCase();
      const end = Date.now() + 5000;
      for (;;) {
        const found = messages.find((m) => m.to.includes(who) && !read.has(m.mail) && (!subject || subject.test(m.mail.subject ?? '')));
        if (found) {
          read.add(found.mail);
          return found.mail;
        }
        if (Date.now() > end) throw new Error(`no e-mail to ${to}${subject ? ` with a subject like ${subject}` : ''} arrived`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async nextCode(to) {
      return codeIn(await inbox.next(to, codeSubject));
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return inbox;
}

/** The subject of every code e-mail (sign-in and confirming an address), in English. */
const codeSubject = /sign-in code/;

/** The 6-digit code in a sign-in-code e-mail's text part. */
export const codeIn = (mail: ParsedMail): string => /\b(\d{6})\b/.exec(mail.text ?? '')![1]!;
