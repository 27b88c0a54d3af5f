// A stand-in for a generic HTTP SMS provider (SMS_HTTP_URL): a real HTTP server on 127.0.0.1
// that accepts every message (202) and keeps it, so tests read the texts a user would receive.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SmsProvider {
  /** the SMS_HTTP_URL to configure */
  url: string;
  texts: Array<{ to: string; text: string }>;
  /** the newest text to a number */
  lastTo(to: string): { to: string; text: string } | undefined;
  close(): Promise<void>;
}

export async function startSmsProvider(): Promise<SmsProvider> {
  const texts: SmsProvider['texts'] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      texts.push(JSON.parse(body) as { to: string; text: string });
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/send`,
    texts,
    lastTo: (to) => [...texts].reverse().find((t) => t.to === to),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
