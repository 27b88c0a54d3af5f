// What every interaction route needs: the services built once in src/services.ts, and the
// provider in service now (it is rebuilt when signing keys change).
import type Provider from 'oidc-provider';
import type { Services } from '../src/services.js';

export type InteractionDeps = Omit<Services, 'providers' | 'close' | 'db'> & {
  provider(): Provider;
};
