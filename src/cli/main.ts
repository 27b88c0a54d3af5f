// The `twofold` operator command (bin/twofold.mjs runs this). It reads the same configuration
// as the server and opens only the database: no Redis, no HTTP server, no demo seed. Returns
// the exit status: 0 done, 1 failed, 2 bad command line or configuration.
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { ConfigError, loadConfig, type Config } from '../config/index.js';
import { isAppError } from '../errors.js';
import { createLogger } from '../log.js';
import { applyCommands } from './apply.js';
import { clientCommands } from './clients.js';
import { usageError, type Command, type CommandContext, type ParsedCommandArgs } from './command.js';
import { processIo, println, type Io } from './io.js';
import { keyCommands } from './keys.js';
import { maintenanceCommands } from './maintenance.js';
import { migrateCommands } from './migrate.js';
import { orgCommands } from './orgs.js';
import { roleCommands } from './roles.js';
import { policyCommand } from './orgs-policy.js';
import { userCommands } from './users.js';

/** Logs go to stderr, one level quieter than the server's: the command's output is the report. */
const cliLogger = (config: Config) => createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, pino.destination({ fd: 2, sync: true }));

export const commands: Command[] = [...migrateCommands, ...clientCommands, ...userCommands, ...roleCommands, ...orgCommands, policyCommand, ...keyCommands, ...applyCommands, ...maintenanceCommands];

const groups = [...new Set(commands.map((c) => c.name.split(' ')[0]!))];

function overview(): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 2;
  return `twofold: the Twofold operator command

Usage: twofold <command> [options]

Commands:
${commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`).join('\n')}
  ${'help [command]'.padEnd(width)}show the options of a command

It reads the same environment as the server (DATABASE_URL, ENCRYPTION_KEY, DATA_DIR, ...: see
README.md, Configuration) and works on the same database. Without DATABASE_URL it opens the
embedded database in DATA_DIR, which only one process can use: stop the server first.

Run 'twofold <command> --help' for a command's options.`;
}

function commandHelp(c: Command): string {
  return `twofold ${c.name}: ${c.summary}\n\nUsage: ${c.usage}\n\n${c.details}`;
}

function groupHelp(group: string): string {
  const members = commands.filter((c) => c.name.startsWith(`${group} `));
  return `Usage: twofold ${group} <${members.map((c) => c.name.slice(group.length + 1)).join('|')}> [options]\n\n${members.map((c) => `  ${c.name.padEnd(18)}${c.summary}`).join('\n')}\n\nRun 'twofold ${group} <command> --help' for its options.`;
}

/** The command named by the leading words of argv, and the rest of argv. */
function findCommand(argv: string[]): { command: Command; rest: string[] } | { help: string; known: boolean } {
  const [first = '', second = ''] = argv;
  const two = commands.find((c) => c.name === `${first} ${second}`);
  if (two) return { command: two, rest: argv.slice(2) };
  const one = commands.find((c) => c.name === first);
  if (one) return { command: one, rest: argv.slice(1) };
  if (groups.includes(first)) {
    const wanted = second && !second.startsWith('-') ? `unknown command '${first} ${second}'.\n\n` : '';
    return { help: `${wanted}${groupHelp(first)}`, known: !wanted };
  }
  return { help: `unknown command '${first}'.\n\nRun 'twofold help' for the list of commands.`, known: false };
}

function parse(command: Command, rest: string[]): ParsedCommandArgs | 'help' {
  let parsed: ParsedCommandArgs;
  try {
    parsed = parseArgs({ args: rest, options: { ...command.options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true }) as ParsedCommandArgs;
  } catch (err) {
    throw usageError((err as Error).message.split('. ')[0]!);
  }
  if (parsed.values['help']) return 'help';
  const { min, max } = command.positionals ?? { min: 0, max: 0 };
  if (parsed.positionals.length > max) throw usageError(`unexpected argument '${parsed.positionals[max]}'`);
  if (parsed.positionals.length < min) throw usageError(`missing argument: ${command.usage.split(' ').find((w) => /^[A-Z_]+$/.test(w)) ?? 'see --help'}`);
  return parsed;
}

function context(io: Io, command: Command): CommandContext {
  let config: Config | undefined;
  const getConfig = () => (config ??= loadConfig());
  return {
    io,
    config: getConfig,
    async withStorage(fn) {
      const config = getConfig();
      const log = cliLogger(config);
      // loaded here, not at the top: `help` and bad command lines need no database driver
      const { openCliStorage } = await import('./storage.js');
      const storage = await openCliStorage(config, log, `'twofold ${command.name}' (the operator command)`);
      try {
        if (storage.appliedMigrations.length && command.name !== 'migrate') {
          println(io.stderr, `Applied pending database migrations first: ${storage.appliedMigrations.join(', ')}`);
        }
        return await fn(storage);
      } finally {
        await storage.close();
      }
    },
  };
}

export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h') {
    println(argv.length ? io.stdout : io.stderr, overview());
    return argv.length ? 0 : 2;
  }
  if (argv[0] === 'help') {
    const topic = argv.slice(1).filter((a) => !a.startsWith('-'));
    if (!topic.length) {
      println(io.stdout, overview());
      return 0;
    }
    const found = findCommand(topic);
    if ('command' in found) println(io.stdout, commandHelp(found.command));
    else println(found.known ? io.stdout : io.stderr, found.known ? found.help : `twofold: ${found.help}`);
    return 'command' in found || found.known ? 0 : 2;
  }

  const found = findCommand(argv);
  if (!('command' in found)) {
    // `twofold clients --help` asked for this; `twofold clients` and typos did not
    if (found.known && (argv.includes('--help') || argv.includes('-h'))) {
      println(io.stdout, found.help);
      return 0;
    }
    println(io.stderr, found.known ? found.help : `twofold: ${found.help}`);
    return 2;
  }
  const { command, rest } = found;
  try {
    const args = parse(command, rest);
    if (args === 'help') {
      println(io.stdout, commandHelp(command));
      return 0;
    }
    await command.run(args, context(io, command));
    return 0;
  } catch (err) {
    if (err instanceof ConfigError) {
      println(io.stderr, `twofold: ${err.message}\nSee README.md, section Configuration.`);
      return 2;
    }
    if (isAppError(err) && err.expose) {
      const usage = err.code === 'bad_request';
      println(io.stderr, `twofold ${command.name}: ${err.message}${usage ? `\nRun 'twofold ${command.name} --help' for its options.` : ''}`);
      return usage ? 2 : 1;
    }
    println(io.stderr, `twofold ${command.name} failed: ${(err as Error)?.stack ?? String(err)}`);
    return 1;
  }
}
