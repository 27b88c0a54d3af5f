// OpenID Connect Back-Channel Logout 1.0 for the sessions we end ourselves ("sign out everywhere",
// "sign out other sessions": a 2FA reset, "This wasn't me", an administrator, My profile).
// oidc-provider sends the logout token itself on RP-initiated logout (features.backchannelLogout);
// here each app of each ended session that registered a backchannel_logout_uri gets one too,
// signed by oidc-provider (Client#backchannelLogout: sub, sid, the back-channel logout event),
// once per app and session, after the response, retried with backoff when the app does not
// answer 200/204.
import type Provider from 'oidc-provider';
import type { Logger } from '../log.js';

export interface SessionApp {
  clientId: string;
  /** the session id the app's ID tokens carried (sid) */
  sid: string;
}

/** The apps a stored Session record (the adapter's JSON payload) signed in, with their sid. */
export function appsOfSession(value: string): SessionApp[] {
  try {
    const payload = JSON.parse(value) as { authorizations?: Record<string, { sid?: unknown }> };
    return Object.entries(payload.authorizations ?? {}).flatMap(([clientId, a]) => (typeof a?.sid === 'string' ? [{ clientId, sid: a.sid }] : []));
  } catch {
    return [];
  }
}

export interface BackchannelLogout {
  /** Tell every app of the ended sessions (in the background); `why` goes to the log. */
  notify(accountId: string, apps: SessionApp[], why: string): void;
  /** Wait for the logout tokens in flight (at shutdown, in tests). */
  settle(): Promise<void>;
}

export function createBackchannelLogout(deps: { provider: () => Provider; log: Logger; retryDelaysMs?: number[] }): BackchannelLogout {
  const delays = deps.retryDelaysMs ?? [1000, 5000];
  const inFlight = new Set<Promise<void>>();
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());

  async function send(accountId: string, app: SessionApp, why: string): Promise<void> {
    const client = await deps
      .provider()
      .Client.find(app.clientId)
      .catch(() => undefined);
    if (!client?.backchannelLogoutUri) return;
    // oidc-provider's Client has it (lib/models/client.js); its type declarations leave it out
    const logout = client as unknown as { backchannelLogout(sub: string, sid: string): Promise<void> };
    for (let attempt = 0; ; attempt++) {
      try {
        await logout.backchannelLogout(accountId, app.sid);
        deps.log.info({ event: 'backchannel_logout.sent', clientId: app.clientId, why, attempt: attempt + 1 }, 'back-channel logout token delivered');
        return;
      } catch (err) {
        if (attempt >= delays.length) {
          deps.log.warn({ event: 'backchannel_logout.failed', clientId: app.clientId, why, attempts: attempt + 1, err: (err as Error).message }, 'back-channel logout token not delivered');
          return;
        }
        await sleep(delays[attempt]!);
      }
    }
  }

  return {
    notify(accountId, apps, why) {
      // one token per app and session, however the session was listed
      const unique = [...new Map(apps.map((a) => [`${a.clientId} ${a.sid}`, a])).values()];
      for (const app of unique) {
        const p = send(accountId, app, why).finally(() => inFlight.delete(p));
        inFlight.add(p);
      }
    },
    async settle() {
      while (inFlight.size) await Promise.allSettled([...inFlight]);
    },
  };
}
