// A real pino logger whose JSON lines are kept in memory, to check what a module logs.
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/log.js';

export function capturedLogger(): { log: Logger; lines: () => Array<Record<string, unknown>>; text: () => string } {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  const text = () => chunks.join('');
  return {
    log: createLogger('debug', sink),
    text,
    lines: () =>
      text()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}
