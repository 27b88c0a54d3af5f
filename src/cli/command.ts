// What every CLI command is: its words, its help text, its options (node:util parseArgs) and a
// run function. main.ts parses, dispatches and reports errors; commands only do their job.
import type { ParseArgsConfig } from 'node:util';
import type { Config } from '../config/index.js';
import { AppError } from '../errors.js';
import type { Io } from './io.js';
import type { CliStorage } from './storage.js';

/** parseArgs option declarations (the type node:util does not export by name) */
export type Options = NonNullable<ParseArgsConfig['options']>;

export interface ParsedCommandArgs {
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  positionals: string[];
}

export interface CommandContext {
  io: Io;
  /** the server's configuration (loaded on first use, so `--help` needs none) */
  config(): Config;
  /** open the database (migrating it, as the server does), run fn, close it again */
  withStorage<T>(fn: (storage: CliStorage) => Promise<T>): Promise<T>;
}

export interface Command {
  /** the words after `twofold`, e.g. 'clients create' */
  name: string;
  summary: string;
  /** the synopsis line(s) after "Usage:" */
  usage: string;
  /** option descriptions and examples, shown by --help */
  details: string;
  options: Options;
  /** how many positional arguments it takes */
  positionals?: { min: number; max: number };
  run(args: ParsedCommandArgs, ctx: CommandContext): Promise<void>;
}

/** Bad command-line input: printed with a pointer to --help, exit status 2. */
export function usageError(message: string): AppError {
  return new AppError('bad_request', 400, message);
}

export const str = (args: ParsedCommandArgs, name: string): string | undefined => {
  const v = args.values[name];
  return typeof v === 'string' ? v : undefined;
};

export const strs = (args: ParsedCommandArgs, name: string): string[] => {
  const v = args.values[name];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : [];
};

export const flag = (args: ParsedCommandArgs, name: string): boolean => args.values[name] === true;

export function required(args: ParsedCommandArgs, name: string): string {
  const v = str(args, name);
  if (v === undefined || v.trim() === '') throw usageError(`--${name} is required`);
  return v;
}

/** --json, shared by every command that has machine-readable output */
export const jsonOption = { json: { type: 'boolean' } } as const satisfies Options;
