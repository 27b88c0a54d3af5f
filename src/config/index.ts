// Entry point for configuration: the only place that reads process.env.
import { withLocalSecrets } from './local-secrets.js';
import { parseConfig, type Config } from './schema.js';

export { ConfigError, parseConfig, type Config } from './schema.js';

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  return withLocalSecrets(parseConfig(env));
}
