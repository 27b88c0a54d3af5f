// Zero-setup secrets: generated once into DATA_DIR (0600), reused on the next start, never
// generated when the operator provides them.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { withLocalSecrets } from '../../src/config/local-secrets.js';
import { ConfigError, parseConfig } from '../../src/config/schema.js';

let tmp: string;
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'twofold-secrets-'));
});
afterEach(() => {
  rmSync(tmp, { recursive: true, force: true });
});

describe('local secrets', () => {
  it('generates a 32-byte key and a cookie key once, into a new data directory, readable by the owner only', () => {
    const dataDir = join(tmp, 'nested', 'data');
    const first = withLocalSecrets(parseConfig({ DATA_DIR: dataDir }));
    expect(first.encryptionKey).toHaveLength(32);
    expect(first.cookieKeys).toHaveLength(1);
    expect(first.cookieKeys[0]!.length).toBeGreaterThanOrEqual(32);
    const file = join(dataDir, 'secrets.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);

    const second = withLocalSecrets(parseConfig({ DATA_DIR: dataDir }));
    expect(second.encryptionKey.equals(first.encryptionKey)).toBe(true);
    expect(second.cookieKeys).toEqual(first.cookieKeys);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ encryptionKey: first.encryptionKey.toString('base64'), cookieKeys: first.cookieKeys });
  });

  it('generates different secrets for different data directories', () => {
    const a = withLocalSecrets(parseConfig({ DATA_DIR: join(tmp, 'a') }));
    const b = withLocalSecrets(parseConfig({ DATA_DIR: join(tmp, 'b') }));
    expect(a.encryptionKey.equals(b.encryptionKey)).toBe(false);
    expect(a.cookieKeys).not.toEqual(b.cookieKeys);
  });

  it('writes nothing when both secrets come from the environment', () => {
    const dataDir = join(tmp, 'unused');
    const key = Buffer.alloc(32, 1).toString('base64');
    const config = loadConfig({ DATA_DIR: dataDir, ENCRYPTION_KEY: key, COOKIE_KEYS: 'k'.repeat(32) });
    expect(config.encryptionKey).toEqual(Buffer.alloc(32, 1));
    expect(config.cookieKeys).toEqual(['k'.repeat(32)]);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('prefers a secret from the environment over the generated one', () => {
    const dataDir = join(tmp, 'mixed');
    const generated = loadConfig({ DATA_DIR: dataDir });
    const withKey = loadConfig({ DATA_DIR: dataDir, ENCRYPTION_KEY: Buffer.alloc(32, 2).toString('base64') });
    expect(withKey.encryptionKey).toEqual(Buffer.alloc(32, 2));
    expect(withKey.cookieKeys).toEqual(generated.cookieKeys);
  });

  it('stops with a ConfigError naming the file when it is damaged', () => {
    const dataDir = join(tmp, 'damaged');
    loadConfig({ DATA_DIR: dataDir });
    const file = join(dataDir, 'secrets.json');
    for (const content of [
      '',
      '{not json',
      '{}',
      JSON.stringify({ encryptionKey: 'short', cookieKeys: ['x'.repeat(40)] }),
      JSON.stringify({ encryptionKey: Buffer.alloc(32).toString('base64'), cookieKeys: [] }),
    ]) {
      writeFileSync(file, content);
      let error: unknown;
      try {
        loadConfig({ DATA_DIR: dataDir });
      } catch (err) {
        error = err;
      }
      expect(error, content).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toContain(file);
    }
  });
});
