// `twofold keys ...`: rotate the token-signing keys and see where each key is in its life.
// A new key is published at once but signs only after every replica has reloaded the key set
// (2 x KEY_REFRESH_SECONDS by default); the keys it replaces stay published until the last
// token they signed has expired.
import { AppError } from '../errors.js';
import { createSigningKeysRepo, type SigningKeyRow } from '../storage/postgres/signing-keys.js';
import { jsonOption, str, type Command } from './command.js';
import { printJson, println } from './io.js';
import { formatTime, table } from './output.js';

export type KeyState = 'signing' | 'pending' | 'published' | 'retired';

/** Where each key is at `now`: the newest key of an algorithm whose time has come signs. */
export function keyStates(rows: SigningKeyRow[], now: Date): Array<SigningKeyRow & { state: KeyState }> {
  const live = rows.filter((r) => !r.retireAt || r.retireAt > now);
  const signing = new Set<string>();
  for (const alg of new Set(live.map((r) => r.alg))) {
    const current = live.filter((r) => r.alg === alg && r.signsFrom <= now).sort((a, b) => b.signsFrom.getTime() - a.signsFrom.getTime())[0];
    if (current) signing.add(current.kid);
  }
  return rows.map((r) => ({
    ...r,
    state: r.retireAt && r.retireAt <= now ? 'retired' : signing.has(r.kid) ? 'signing' : r.signsFrom > now ? 'pending' : 'published',
  }));
}

function describeState(k: SigningKeyRow & { state: KeyState }): string {
  switch (k.state) {
    case 'pending':
      return `pending until ${formatTime(k.signsFrom)}`;
    case 'published':
      return k.retireAt ? `published until ${formatTime(k.retireAt)}` : 'published';
    case 'signing':
      return k.retireAt ? `signing, published until ${formatTime(k.retireAt)}` : 'signing';
    case 'retired':
      return 'retired';
  }
}

const rotate: Command = {
  name: 'keys rotate',
  summary: 'add new signing keys; the old ones stay published until their tokens expire',
  usage: 'twofold keys rotate [--activate-in SECONDS] [--json]',
  details: `Adds one new key per algorithm (RS256, ES256). It is published at once and signs from
now + the activation delay, so every replica and relying party knows it before it appears in a
token. The keys it replaces keep signing until then and stay published until every token they
signed has expired (the longest token lifetime is the larger of ID_TOKEN_TTL_SECONDS and
ACCESS_TOKEN_TTL_SECONDS).

Options:
  --activate-in SECONDS   activation delay (default: 2 x KEY_REFRESH_SECONDS)
  --json                  machine-readable output

Example:
  twofold keys rotate`,
  options: { 'activate-in': { type: 'string' }, ...jsonOption },
  async run(args, { io, withStorage }) {
    const raw = str(args, 'activate-in');
    if (raw !== undefined && !/^\d+$/.test(raw)) throw new AppError('invalid_input', 400, `--activate-in must be a whole number of seconds (got ${JSON.stringify(raw)})`);
    const result = await withStorage(async (s) => {
      const refresh = s.config.keyRefreshSeconds;
      const activationDelaySeconds = raw === undefined ? 2 * refresh : Number(raw);
      const longestTokenSeconds = Math.max(s.config.ttl.idToken, s.config.ttl.accessToken);
      const replaced = (await createSigningKeysRepo(s.db).findPublished(new Date(s.clock.now()))).length;
      const { rotateSigningKeys } = await import('../keys/signing-keys.js');
      const keys = await rotateSigningKeys({ db: s.db, box: s.box, clock: s.clock }, { activationDelaySeconds, longestTokenSeconds });
      await s.audit.record({
        type: 'key.rotated',
        details: { by: 'cli', kids: keys.map((k) => k.kid), signsFrom: keys[0]?.signsFrom, oldKeysPublishedUntil: keys[0]?.retiredUntil },
      });
      return { keys, activationDelaySeconds, longestTokenSeconds, refresh, replaced };
    });
    const { keys, activationDelaySeconds, longestTokenSeconds, refresh, replaced } = result;
    if (args.values['json']) {
      printJson(io, {
        keys: keys.map((k) => ({ kid: k.kid, alg: k.alg, signs_from: k.signsFrom.toISOString() })),
        old_keys_published_until: keys[0]?.retiredUntil.toISOString(),
      });
      return;
    }
    if (activationDelaySeconds < refresh) {
      println(
        io.stderr,
        `Warning: the new keys sign in ${activationDelaySeconds} s, before every replica has reloaded the keys (every ${refresh} s): a relying party may meet a kid it cannot find yet.`,
      );
    }
    const first = keys[0]!;
    println(io.stdout, `New signing keys, published now, signing from ${formatTime(first.signsFrom)} (in ${activationDelaySeconds} s):`);
    println(
      io.stdout,
      table(
        ['KID', 'ALG'],
        keys.map((k) => [k.kid, k.alg]).map((r) => r.map(String)),
      ).replace(/^/gm, '  '),
    );
    println(
      io.stdout,
      replaced
        ? `The keys they replace sign until then and stay published until ${formatTime(first.retiredUntil)}, so that every token they signed (tokens live at most ${longestTokenSeconds} s) verifies until it expires.`
        : 'There were no keys before: these are the only ones, and the server signs with them from its start.',
    );
  },
};

const list: Command = {
  name: 'keys list',
  summary: 'list the signing keys and their state',
  usage: 'twofold keys list [--json]',
  details: `States: signing (signs new tokens), pending until T (published, signs from T),
published until T (replaced; verifies tokens it signed until T), retired (no longer published).

Example:
  twofold keys list`,
  options: { ...jsonOption },
  async run(args, { io, withStorage }) {
    const { rows, now } = await withStorage(async (s) => ({ rows: await createSigningKeysRepo(s.db).findAll(), now: new Date(s.clock.now()) }));
    const keys = keyStates(rows, now);
    if (args.values['json']) {
      printJson(
        io,
        keys.map((k) => ({ kid: k.kid, alg: k.alg, state: k.state, signs_from: k.signsFrom.toISOString(), retire_at: k.retireAt?.toISOString() ?? null, created_at: k.createdAt.toISOString() })),
      );
      return;
    }
    if (!keys.length) {
      println(io.stdout, 'No signing keys yet: the server creates them at its first start (or run: twofold keys rotate).');
      return;
    }
    println(
      io.stdout,
      table(
        ['KID', 'ALG', 'STATE', 'CREATED'],
        keys.map((k) => [k.kid, k.alg, describeState(k), formatTime(k.createdAt)]),
      ),
    );
  },
};

export const keyCommands: Command[] = [rotate, list];
