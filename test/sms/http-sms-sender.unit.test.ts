// The generic HTTP SMS sender against a real node:http server on loopback: what it posts, when
// it tries again and when it stops, and that neither the Authorization value nor the text
// reaches an error or a log line.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import { createHttpSmsSender, parseRetryAfter, type HttpSmsSenderOptions } from '../../src/sms/http-sms-sender.js';
import { capturedLogger } from '../mail/log-capture.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  at: number;
}

const authorization = 'Bearer sms-provider-s3cret-token';
let server: Server;
let base: string;
let seen: Seen[];
/** answers in order; the last one repeats */
let answers: Array<(res: ServerResponse) => void>;

const status =
  (code: number, headers: Record<string, string> = {}) =>
  (res: ServerResponse) => {
    res.writeHead(code, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify({ echo: 'the provider repeats +31612345678 and 493817 here' }));
  };
const silence = () => () => undefined; // never answers: the client's timeout has to end it

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, at: Date.now() });
      const answer = answers[Math.min(seen.length - 1, answers.length - 1)]!;
      answer(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  seen = [];
  answers = [status(202)];
});

function sender(overrides: Partial<HttpSmsSenderOptions> = {}) {
  const captured = capturedLogger();
  const sms = createHttpSmsSender({ url: `${base}/v1/messages?api_key=query-s3cret`, authorization, timeoutMs: 1000, backoffMs: 20, log: captured.log, ...overrides });
  return { sms, ...captured };
}

async function failure(send: Promise<void>): Promise<AppError> {
  const err = await send.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).code).toBe('delivery_failed');
  return err as AppError;
}

function expectNoSecrets(...texts: string[]) {
  for (const t of texts) {
    expect(t).not.toContain('s3cret');
    expect(t).not.toContain('493817');
    expect(t).not.toContain('+31612345678');
  }
}

describe('HTTP SMS sender', () => {
  it('posts the number and the text as JSON with the Authorization header', async () => {
    const { sms, lines, text } = sender();
    await sms.send('+31612345678', 'Your Twofold code is 493817', { category: 'sign-in-code' });
    expect(seen).toHaveLength(1);
    const [request] = seen;
    expect(request).toMatchObject({ method: 'POST', url: '/v1/messages?api_key=query-s3cret' });
    expect(request!.headers['authorization']).toBe(authorization);
    expect(request!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request!.body)).toEqual({ to: '+31612345678', text: 'Your Twofold code is 493817' });
    expect(lines().find((l) => l['event'] === 'sms.sent')).toMatchObject({ category: 'sign-in-code', to: '+31 •••• ••78', attempts: 1, provider: base });
    expectNoSecrets(text());
  });

  it('sends no Authorization header when none is configured', async () => {
    const { sms } = sender({ authorization: undefined });
    await sms.send('+31612345678', 'hello');
    expect(seen[0]!.headers['authorization']).toBeUndefined();
  });

  it('tries again after 503s and succeeds on the third attempt, waiting longer each time', async () => {
    answers = [status(503), status(503), status(200)];
    const { sms, lines, text } = sender({ backoffMs: 100 });
    await sms.send('+31612345678', 'Your Twofold code is 493817');
    expect(seen).toHaveLength(3);
    expect(seen[1]!.at - seen[0]!.at).toBeGreaterThanOrEqual(90);
    expect(seen[2]!.at - seen[1]!.at).toBeGreaterThanOrEqual(190);
    expect(lines().filter((l) => l['event'] === 'sms.attempt_failed')).toHaveLength(2);
    expect(lines().find((l) => l['event'] === 'sms.sent')).toMatchObject({ attempts: 3 });
    expectNoSecrets(text());
  });

  it('gives up after three attempts with delivery_failed', async () => {
    answers = [status(500)];
    const { sms, text } = sender();
    const err = await failure(sms.send('+31612345678', 'Your Twofold code is 493817'));
    expect(seen).toHaveLength(3);
    expect(err.status).toBe(502);
    expect(err.message).toContain('HTTP 500');
    expectNoSecrets(err.message, JSON.stringify(err), err.stack ?? '', text());
  });

  it('does not try again after a 400', async () => {
    answers = [status(400), status(200)];
    const { sms, text } = sender();
    const err = await failure(sms.send('+31612345678', 'Your Twofold code is 493817'));
    expect(seen).toHaveLength(1);
    expect(err.message).toContain('HTTP 400');
    expectNoSecrets(err.message, text());
  });

  it('treats a redirect as final and does not follow it with our Authorization', async () => {
    answers = [status(302, { location: 'http://127.0.0.2:1/elsewhere' })];
    const { sms } = sender();
    await failure(sms.send('+31612345678', 'hello'));
    expect(seen).toHaveLength(1);
  });

  it('ends an attempt that gets no answer within the timeout, and tries again', async () => {
    answers = [silence(), status(200)];
    const { sms, lines } = sender({ timeoutMs: 200 });
    const started = Date.now();
    await sms.send('+31612345678', 'hello');
    expect(seen).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(lines().find((l) => l['event'] === 'sms.attempt_failed')).toMatchObject({ reason: 'no answer within 200 ms' });
  });

  it('fails with delivery_failed when every attempt times out', async () => {
    answers = [silence()];
    const { sms } = sender({ timeoutMs: 100 });
    const err = await failure(sms.send('+31612345678', 'hello'));
    expect(seen).toHaveLength(3);
    expect(err.message).toContain('no answer within 100 ms');
  });

  it('tries again after a network error', async () => {
    const { sms } = sender({ url: 'http://127.0.0.1:1/unreachable' });
    const err = await failure(sms.send('+31612345678', 'hello'));
    expect(err.message).toMatch(/network error/);
  });

  it('waits as long as Retry-After asks on a 429', async () => {
    answers = [status(429, { 'retry-after': '1' }), status(200)];
    const { sms } = sender({ backoffMs: 10 });
    await sms.send('+31612345678', 'hello');
    expect(seen).toHaveLength(2);
    expect(seen[1]!.at - seen[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it('stops at once when Retry-After is longer than the cap', async () => {
    answers = [status(503, { 'retry-after': '120' }), status(200)];
    const { sms } = sender({ maxRetryAfterMs: 5000 });
    const started = Date.now();
    const err = await failure(sms.send('+31612345678', 'hello'));
    expect(seen).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(err.message).toContain('retry after 120 s');
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates, and ignores anything else', () => {
    const now = Date.parse('2030-01-01T00:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Tue, 01 Jan 2030 00:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('Tue, 31 Dec 2029 23:59:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
