// Keeps the provider in service in step with the signing keys in Postgres. oidc-provider takes
// its keys at construction, so when the published set or the signing order changes (a
// rotation by any replica or the CLI, a pending key whose time has come, a retired key) the
// holder builds a new Provider on the same adapter and swaps it in. All state lives in the
// store, so requests in flight and sessions are unaffected.
import type Provider from 'oidc-provider';
import type { Logger } from '../log.js';
import type { PublishedKeys } from '../keys/signing-keys.js';

export interface ProviderHolder {
  current(): Provider;
  /** reload keys now; resolves true when the provider was rebuilt */
  refresh(): Promise<boolean>;
  stop(): void;
}

export async function createProviderHolder(opts: {
  loadKeys: () => Promise<PublishedKeys>;
  build: (jwks: PublishedKeys['jwks']) => Provider;
  refreshSeconds: number;
  log: Logger;
}): Promise<ProviderHolder> {
  let keys = await opts.loadKeys();
  let provider = opts.build(keys.jwks);

  async function refresh(): Promise<boolean> {
    const next = await opts.loadKeys();
    if (next.fingerprint === keys.fingerprint) return false;
    provider = opts.build(next.jwks);
    opts.log.info({ from: keys.fingerprint, to: next.fingerprint }, 'signing keys changed: provider rebuilt');
    keys = next;
    return true;
  }

  const timer = setInterval(() => {
    refresh().catch((err: unknown) => opts.log.warn({ err }, 'signing key refresh failed; keeping current keys'));
  }, opts.refreshSeconds * 1000);
  timer.unref();

  return {
    current: () => provider,
    refresh,
    stop: () => clearInterval(timer),
  };
}
