// The CLI's streams, passed in rather than taken from `process`, so output stays in one place.
import type { Readable, Writable } from 'node:stream';

export interface Io {
  stdout: Writable;
  stderr: Writable;
  stdin: Readable & { isTTY?: boolean; setRawMode?(mode: boolean): unknown };
}

export const processIo = (): Io => ({ stdout: process.stdout, stderr: process.stderr, stdin: process.stdin });

export const println = (stream: Writable, text = '') => stream.write(`${text}\n`);

export const printJson = (io: Io, value: unknown) => println(io.stdout, JSON.stringify(value, null, 2));
