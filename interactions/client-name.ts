// The name a page shows for the app that sent the user here.
import type { InteractionDeps } from './context.js';

export async function clientName(deps: Pick<InteractionDeps, 'provider'>, clientId: unknown): Promise<string | undefined> {
  if (typeof clientId !== 'string') return undefined;
  const client = await deps
    .provider()
    .Client.find(clientId)
    .catch(() => undefined);
  return client ? (client.clientName ?? client.clientId) : undefined;
}
