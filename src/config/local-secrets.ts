// Zero-setup mode only: without DATABASE_URL nobody hands us secrets, so the first start
// generates them into the data directory (mode 0600) and later starts reuse them. With an
// external database the schema already demands ENCRYPTION_KEY and COOKIE_KEYS.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, type Config, type ParsedConfig } from './schema.js';

interface LocalSecrets {
  encryptionKey: string;
  cookieKeys: string[];
}

export function withLocalSecrets(parsed: ParsedConfig): Config {
  if (parsed.encryptionKey && parsed.cookieKeys) {
    return { ...parsed, encryptionKey: parsed.encryptionKey, cookieKeys: parsed.cookieKeys };
  }
  const file = join(parsed.dataDir, 'secrets.json');
  let secrets: LocalSecrets;
  if (existsSync(file)) {
    secrets = readSecrets(file);
  } else {
    mkdirSync(parsed.dataDir, { recursive: true, mode: 0o700 });
    secrets = { encryptionKey: randomBytes(32).toString('base64'), cookieKeys: [randomBytes(32).toString('base64url')] };
    writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600, flag: 'wx' });
  }
  return {
    ...parsed,
    encryptionKey: parsed.encryptionKey ?? Buffer.from(secrets.encryptionKey, 'base64'),
    cookieKeys: parsed.cookieKeys ?? secrets.cookieKeys,
  };
}

/** A damaged file must stop the start with a message naming it, not a JSON or Buffer error. */
function readSecrets(file: string): LocalSecrets {
  let parsed: Partial<LocalSecrets> | undefined;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<LocalSecrets>;
  } catch {
    parsed = undefined;
  }
  const keyOk = typeof parsed?.encryptionKey === 'string' && Buffer.from(parsed.encryptionKey, 'base64').length === 32;
  const cookiesOk = Array.isArray(parsed?.cookieKeys) && parsed.cookieKeys.length > 0 && parsed.cookieKeys.every((k) => typeof k === 'string' && k.length >= 32);
  if (!parsed || !keyOk || !cookiesOk) {
    throw new ConfigError([
      `${file} is damaged (it holds the generated ENCRYPTION_KEY and COOKIE_KEYS of this data directory). Restore it from a backup; deleting it makes the stored signing keys and client secrets unreadable.`,
    ]);
  }
  return parsed as LocalSecrets;
}
