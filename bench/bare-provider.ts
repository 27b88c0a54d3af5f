// The reference for client credentials: oidc-provider as it comes (same version as Twofold's,
// its default in-memory adapter, one static client, client credentials enabled, nothing else),
// in its own process like bench/server.ts. Started by bench/run.ts.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { reportFailure, serveParent } from './ipc.js';

async function main() {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const provider = new Provider(`http://127.0.0.1:${port}`, {
    clients: [
      {
        client_id: process.env.BENCH_CLIENT_ID!,
        client_secret: process.env.BENCH_CLIENT_SECRET!,
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
      },
    ],
    features: { clientCredentials: { enabled: true } },
  });
  server.on('request', provider.callback());
  server.keepAliveTimeout = 65_000;

  serveParent(port, async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
}

main().catch(reportFailure);
