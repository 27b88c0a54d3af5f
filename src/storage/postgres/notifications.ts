// Postgres LISTEN on a dedicated connection, for changes other replicas announce with NOTIFY.
// When the connection is lost, notifications may have been missed: onReset tells the listener's
// owner to forget what it cached, and the connection is made again with backoff.
import pg from 'pg';
import type { Logger } from '../../log.js';

export interface Listener {
  close(): Promise<void>;
}

export async function listen(opts: { url: string; channel: string; onMessage: (payload: string) => void; onReset: () => void; log: Logger }): Promise<Listener> {
  let client: pg.Client | undefined;
  let closed = false;
  let retryMs = 500;
  let timer: NodeJS.Timeout | undefined;

  async function connect(): Promise<void> {
    const c = new pg.Client({ connectionString: opts.url, connectionTimeoutMillis: 5000 });
    c.on('notification', (n) => {
      if (n.channel === opts.channel && n.payload) opts.onMessage(n.payload);
    });
    c.on('error', () => lost(c));
    c.on('end', () => lost(c));
    await c.connect();
    await c.query(`LISTEN ${opts.channel}`);
    client = c;
    retryMs = 500;
  }

  function lost(c: pg.Client) {
    if (closed || client !== c) return;
    client = undefined;
    opts.onReset();
    opts.log.warn({ channel: opts.channel }, 'lost the Postgres notification connection; reconnecting');
    schedule();
  }

  function schedule() {
    if (closed) return;
    timer = setTimeout(() => {
      connect().catch(() => {
        retryMs = Math.min(retryMs * 2, 30_000);
        schedule();
      });
    }, retryMs);
    timer.unref();
  }

  await connect();
  return {
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      await client?.end().catch(() => {});
    },
  };
}
