// A minimal HTTP load balancer for replica tests: one public address, requests forwarded to
// whichever backend `pick()` names (round robin by default, or pinned by the test).
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LoadBalancer {
  url: string;
  server: Server;
  setBackends(urls: string[]): void;
  /** pin every following request to backend i; undefined = round robin */
  pin(i: number | undefined): void;
  /** which backend served each request, in order */
  served: number[];
  close(): Promise<void>;
}

export async function startLoadBalancer(): Promise<LoadBalancer> {
  let backends: URL[] = [];
  let pinned: number | undefined;
  let next = 0;
  const served: number[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const i = pinned ?? next++ % backends.length;
    served.push(i);
    const target = backends[i]!;
    const upstream = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    setBackends: (urls) => {
      backends = urls.map((u) => new URL(u));
    },
    pin: (i) => {
      pinned = i;
    },
    served,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
