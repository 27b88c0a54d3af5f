// The command line itself: help, unknown commands and bad options (no database needed).
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

describe('twofold help', () => {
  it('lists every command and exits 0', async () => {
    const [help, dashHelp] = await Promise.all([runCli(['help']), runCli(['--help'])]);
    for (const r of [help, dashHelp]) {
      expect(r.code).toBe(0);
      for (const command of ['migrate', 'clients create', 'clients list', 'clients show', 'clients delete', 'users create', 'orgs create', 'orgs list', 'keys rotate', 'keys list']) {
        expect(r.stdout).toContain(command);
      }
    }
  });

  it('shows the options of a command with --help or help COMMAND', async () => {
    const [a, b] = await Promise.all([runCli(['clients', 'create', '-h']), runCli(['help', 'clients', 'create'])]);
    expect(a.code).toBe(0);
    expect(a.stdout).toContain('Usage: twofold clients create');
    expect(a.stdout).toContain('--redirect-uri URI');
    expect(b.code).toBe(0);
    expect(b.stdout).toBe(a.stdout);
  });
});

describe('bad command lines', () => {
  it('refuses an unknown command with a pointer to the list', async () => {
    const [unknown, unknownSub, none] = await Promise.all([runCli(['frobnicate']), runCli(['clients', 'frobnicate']), runCli([])]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
    expect(unknown.stderr).toContain('twofold help');
    expect(unknownSub.code).toBe(2);
    expect(unknownSub.stderr).toContain('clients <create|list|show|delete>');
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Usage: twofold <command>');
  });

  it('refuses unknown options, missing option values and missing arguments, naming them', async () => {
    const [option, value, argument] = await Promise.all([runCli(['orgs', 'list', '--bogus']), runCli(['keys', 'rotate', '--activate-in']), runCli(['clients', 'show'])]);
    expect(option.code).toBe(2);
    expect(option.stderr).toContain("Unknown option '--bogus'");
    expect(option.stderr).toContain('twofold orgs list --help');
    expect(value.code).toBe(2);
    expect(value.stderr).toContain('--activate-in');
    expect(argument.code).toBe(2);
    expect(argument.stderr).toContain('missing argument: CLIENT_ID');
  });

  it('stops on a bad configuration, naming the variable', async () => {
    const r = await runCli(['orgs', 'list'], { env: { PATH: process.env.PATH!, DATABASE_URL: 'postgres://127.0.0.1/x' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('ENCRYPTION_KEY is required when DATABASE_URL is set');
  });
});
