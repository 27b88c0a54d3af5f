// Zero-setup mode only: without DATABASE_URL nobody hands us secrets, so the first start
// generates them into the data directory (mode 0600) and later starts reuse them. With an
// external database the schema already demands ENCRYPTION_KEY and COOKIE_KEYS.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Config, ParsedConfig } from './schema.js';

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
    secrets = JSON.parse(readFileSync(file, 'utf8')) as LocalSecrets;
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
