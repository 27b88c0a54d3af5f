// The marker a signed-in session leaves behind, and how its end is told apart: the idle limit,
// the absolute lifetime, or no expiry at all (alive, or destroyed by a logout). Real adapter
// over the in-memory store, moved by an injected clock.
import { describe, expect, it } from 'vitest';
import type { Context } from 'koa';
import { manualClock } from '../../src/clock.js';
import { createSecretBox } from '../../src/crypto/secret-box.js';
import { createAdapterClass } from '../../src/oidc/adapter.js';
import { detectSessionEnd, sessionHash, sessionHintCookie, withSessionEndMarkers } from '../../src/oidc/session-end.js';
import { createMemoryStore } from '../../src/storage/short-lived/memory-store.js';

const idleSeconds = 300;
const maxSeconds = 43_200;
const accountId = '5b0c8f6e-2f4b-4b8a-9c1e-0a6f5d3e2b1c';

function setup() {
  const clock = manualClock(Date.UTC(2026, 10, 3, 9, 0, 0));
  const store = createMemoryStore(clock);
  const opts = { store, clock, idleSeconds, maxSeconds, secureCookies: false };
  const Adapter = withSessionEndMarkers(createAdapterClass(store, { findMetadata: async () => undefined }, createSecretBox(Buffer.alloc(32, 1))), opts);
  const sessions = new Adapter('Session');
  const now = () => Math.floor(clock.now() / 1000);
  /** a browser whose hint cookie names this session */
  const browser = (sessionId: string) => {
    const jar = new Map([[sessionHintCookie(false), sessionHash(sessionId)]]);
    return { cookies: { get: (n: string) => jar.get(n), set: (n: string, v: string | null) => (v === null ? jar.delete(n) : jar.set(n, v)) } } as unknown as Context;
  };
  const detect = (ctx: Context) => detectSessionEnd(ctx, opts);
  return { clock, store, sessions, now, browser, detect };
}

describe('session end markers', () => {
  it('idle: the session expired before its absolute cap; reported once', async () => {
    const { clock, sessions, now, browser, detect } = setup();
    const loginTs = now();
    await sessions.upsert('session-1', { accountId, loginTs }, idleSeconds);
    const ctx = browser('session-1');
    clock.advance(200_000);
    expect(await detect(ctx)).toBeUndefined(); // alive
    await sessions.upsert('session-1', { accountId, loginTs }, idleSeconds); // activity at 200 s
    clock.advance(400_000);
    expect(await sessions.find('session-1')).toBeUndefined();
    expect(await detect(ctx)).toMatchObject({ end: 'idle', marker: { a: accountId, l: loginTs } });
    expect(await detect(browser('session-1'))).toBeUndefined();
  });

  it('absolute: the last save was capped at sign-in + lifetime', async () => {
    const { clock, sessions, now, browser, detect } = setup();
    const loginTs = now() - (maxSeconds - 100);
    await sessions.upsert('session-2', { accountId, loginTs }, 100);
    clock.advance(150_000);
    expect(await detect(browser('session-2'))).toMatchObject({ end: 'absolute' });
  });

  it('a destroyed session (logout, replaced at a new sign-in) leaves nothing to report; anonymous sessions leave no marker', async () => {
    const { clock, store, sessions, now, browser, detect } = setup();
    await sessions.upsert('session-3', { accountId, loginTs: now() }, idleSeconds);
    await sessions.destroy('session-3');
    await sessions.upsert('session-4', {}, idleSeconds);
    clock.advance(400_000);
    expect(await detect(browser('session-3'))).toBeUndefined();
    expect(await store.get(`session-end:${sessionHash('session-4')}`)).toBeUndefined();
    // the key never holds the id itself
    await sessions.upsert('session-5', { accountId, loginTs: now() }, idleSeconds);
    expect(await store.get(`session-end:session-5`)).toBeUndefined();
    expect(await store.get(`session-end:${sessionHash('session-5')}`)).toContain(accountId);
  });
});
