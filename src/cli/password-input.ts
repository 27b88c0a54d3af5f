// Reading a new password without it ever being on the command line (argv is visible to every
// user in the process list): all of stdin with --password-stdin, otherwise a prompt on the
// terminal with echo off, asked twice.
import { AppError } from '../errors.js';
import type { Io } from './io.js';

async function readAll(stdin: Io['stdin']): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** One line typed on the terminal, not echoed. Ctrl-C cancels. */
function askHidden(io: Io, question: string): Promise<string> {
  const { stdin, stderr } = io;
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = (result: () => void) => {
      stdin.removeListener('data', onData);
      stdin.setRawMode?.(false);
      stdin.pause();
      stderr.write('\n');
      result();
    };
    const onData = (chunk: Buffer | string) => {
      for (const ch of chunk.toString()) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return finish(() => resolve(value));
        if (ch === '\u0003') return finish(() => reject(new AppError('bad_request', 400, 'cancelled')));
        if (ch === '\u007f' || ch === '\b') value = [...value].slice(0, -1).join('');
        else if (ch >= ' ') value += ch;
      }
      return undefined;
    };
    stderr.write(question);
    stdin.setRawMode?.(true);
    stdin.on('data', onData);
    stdin.resume();
  });
}

export async function readNewPassword(io: Io, fromStdin: boolean): Promise<string> {
  if (fromStdin) {
    // one trailing newline is how `echo` and files end; it is not part of the password
    return (await readAll(io.stdin)).replace(/\r?\n$/, '');
  }
  if (!io.stdin.isTTY || !io.stdin.setRawMode) {
    throw new AppError('bad_request', 400, 'no terminal to ask for the password on: pipe it in and pass --password-stdin');
  }
  const first = await askHidden(io, 'Password: ');
  const second = await askHidden(io, 'Password again: ');
  if (first !== second) throw new AppError('invalid_input', 400, 'the two passwords differ; nothing was created');
  return first;
}
