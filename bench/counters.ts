// Round trips the server makes, counted in the server process by wrapping the client libraries'
// prototypes (bench only): Redis commands and writes (a MULTI or pipeline is one write), Postgres
// queries, HTTP requests served. Divided by the operations of a window they say what one
// sign-in or one token costs in trips to the stores.
import type { Server } from 'node:http';
import { Pipeline, Redis } from 'ioredis';
import pg from 'pg';

export type Counters = Record<'httpRequests' | 'redisCommands' | 'redisRoundTrips' | 'pgQueries', number>;

export function countRoundTrips(server: Server): () => Counters {
  const counters: Counters = { httpRequests: 0, redisCommands: 0, redisRoundTrips: 0, pgQueries: 0 };
  server.on('request', () => counters.httpRequests++);

  const sendCommand = Redis.prototype.sendCommand;
  Redis.prototype.sendCommand = function (this: Redis, ...args: Parameters<Redis['sendCommand']>) {
    counters.redisCommands++;
    if (!args[1]) counters.redisRoundTrips++; // with a stream argument it is part of a pipeline
    return sendCommand.apply(this, args);
  };
  // a MULTI calls exec more than once on the same pipeline; it is written once
  const executed = new WeakSet<Pipeline>();
  const exec = Pipeline.prototype.exec;
  Pipeline.prototype.exec = function (this: Pipeline, ...args: Parameters<Pipeline['exec']>) {
    if (!executed.has(this)) counters.redisRoundTrips++;
    executed.add(this);
    return exec.apply(this, args);
  };
  const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  (pg.Client.prototype as { query: unknown }).query = function (this: pg.Client, ...args: unknown[]) {
    counters.pgQueries++;
    return query.apply(this, args);
  };
  return () => ({ ...counters });
}
