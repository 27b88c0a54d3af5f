// What every interaction route needs: the services built once in src/services.ts, the provider
// in service now (it is rebuilt when signing keys change), and the page templates.
import type { RequestDeps } from '../src/services.js';
import type { Views } from './views.js';

export type InteractionDeps = RequestDeps & {
  views: Views;
};
