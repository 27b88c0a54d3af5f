// oidc-provider configured for Twofold: authorization code + PKCE (S256) for every client,
// rotating refresh tokens with reuse detection, client credentials, userinfo, introspection,
// revocation, RP-initiated logout; no implicit flow, no password grant. Everything stateful
// goes through the adapter (Redis or memory; clients from Postgres).
import Provider, { errors, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import type { JWK } from 'jose';
import type { Config } from '../config/index.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import type { AccountsRepo } from '../storage/postgres/accounts.js';
import type { AuditLog } from '../storage/postgres/audit.js';
import type { AdapterConstructor } from './adapter.js';
import { accountClient } from './account-client.js';
import { acrValues } from './authentication.js';
import { cookieNames } from './cookies.js';
import { createInteractionPolicy } from './policy.js';
import { grantTtl, refreshTokenTtl, saveGrant } from './grants.js';
import { redirectUriProblems } from './redirect-uris.js';
import { sessionTtl } from './session-ttl.js';
import type { ProviderPages } from './pages.js';
import { subscribeToProviderEvents } from './events.js';
import type { SessionIdleLimits } from './session-idle.js';

/** 127.0.0.0/8, [::1] or localhost. */
export function isLoopbackUrl(url: URL | string): boolean {
  const host = new URL(url).hostname;
  return host === 'localhost' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}

export interface ProviderDeps {
  config: Config;
  Adapter: AdapterConstructor;
  accounts: AccountsRepo;
  audit: AuditLog;
  jwks: { keys: JWK[] };
  pages: ProviderPages;
  clock: Clock;
  log: Logger;
  /** each account's session idle limit (its organisation's or the server's) */
  sessionIdle: SessionIdleLimits;
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function createProvider(deps: ProviderDeps): Provider {
  const { config, accounts, clock } = deps;
  const nowSeconds = () => Math.floor(clock.now() / 1000);
  const lifetimes = { refreshTokenSeconds: config.ttl.refreshToken, sessionMaxSeconds: config.session.maxSeconds };

  const configuration: Configuration = {
    adapter: deps.Adapter,
    clients: [accountClient(config.issuer)],
    jwks: deps.jwks as Configuration['jwks'],
    cookies: {
      keys: config.cookieKeys,
      names: cookieNames(config.secureCookies),
      long: { httpOnly: true, sameSite: 'lax', signed: true },
      short: { httpOnly: true, sameSite: 'lax', signed: true },
    },

    async findAccount(_ctx, sub) {
      if (!uuid.test(sub)) return undefined;
      const account = await accounts.findById(sub);
      if (!account || account.disabledAt) return undefined;
      return {
        accountId: account.id,
        async claims() {
          return { sub: account.id, email: account.email, email_verified: account.emailVerified, name: account.name };
        },
      };
    },

    claims: {
      openid: ['sub', 'auth_time', 'acr', 'amr'],
      email: ['email', 'email_verified'],
      profile: ['name'],
    },
    // admin: the admin API (src/admin), honoured only for clients whose metadata lists it in `scope`
    scopes: ['openid', 'offline_access', 'email', 'profile', 'admin'],
    acrValues: [...acrValues],
    // Put the scope's claims in the ID token too: relying parties should not need a userinfo
    // round trip just to learn the e-mail address.
    conformIdTokenClaims: false,

    responseTypes: ['code'],
    pkce: { required: () => true },
    rotateRefreshToken: true,
    // Any client allowed the refresh_token grant gets one; without offline_access it dies
    // with the session (expiresWithSession default), with offline_access it outlives it.
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),

    clientDefaults: {
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: 'RS256',
    },
    extraClientMetadata: {
      properties: ['first_party', 'require_mfa'],
      // called once per extra property with the whole metadata; errors here make the client unusable
      validator(_ctx, key, value, metadata) {
        if (key === 'require_mfa') {
          if (value !== undefined && typeof value !== 'boolean') throw new errors.InvalidClientMetadata('require_mfa must be a boolean');
          return;
        }
        if (key !== 'first_party') return;
        if (value !== undefined && typeof value !== 'boolean') throw new errors.InvalidClientMetadata('first_party must be a boolean');
        const problems = redirectUriProblems(metadata);
        if (problems.length) throw new errors.InvalidClientMetadata(problems.join('; '));
      },
    },
    enabledJWA: {
      idTokenSigningAlgValues: ['RS256', 'ES256'],
      userinfoSigningAlgValues: ['RS256', 'ES256'],
      introspectionSigningAlgValues: ['RS256', 'ES256'],
      authorizationSigningAlgValues: ['RS256', 'ES256'],
    },

    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: {
        enabled: true,
        // a resource server (confidential client) may introspect any token; a public client only its own
        allowedPolicy: async (ctx, client, token) => client.clientAuthMethod !== 'none' || token.clientId === ctx.oidc.client?.clientId,
      },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      resourceIndicators: { enabled: false },
      // a logout token to every app of the session that registered a backchannel_logout_uri, on
      // RP-initiated logout; the sessions we end ourselves: backchannel-logout.ts
      backchannelLogout: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: deps.pages.logoutSource,
        postLogoutSuccessSource: deps.pages.postLogoutSuccessSource,
      },
    },

    async loadExistingGrant(ctx: KoaContextWithOIDC) {
      const client = ctx.oidc.client;
      const session = ctx.oidc.session;
      if (!client || !session?.accountId) return undefined;
      const grantId = ctx.oidc.result?.consent?.grantId ?? session.grantIdFor(client.clientId);
      let grant = grantId ? await ctx.oidc.provider.Grant.find(grantId) : undefined;
      if (grant && grant.accountId !== session.accountId) grant = undefined;
      if (client.metadata()['first_party'] !== true) return grant;
      // First-party apps skip the consent page: everything they ask for is granted.
      const isNew = !grant;
      grant ??= new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      const before = `${grant.getOIDCScope()}|${grant.getOIDCClaims().join(' ')}`;
      grant.addOIDCScope([...(ctx.oidc.requestParamScopes ?? ['openid'])].join(' '));
      if (ctx.oidc.requestParamClaims?.size) grant.addOIDCClaims([...ctx.oidc.requestParamClaims]);
      // most authorizations of a first-party app ask for what it already has: no write then
      if (isNew || before !== `${grant.getOIDCScope()}|${grant.getOIDCClaims().join(' ')}`) await saveGrant(grant);
      return grant;
    },

    interactions: {
      url: async (_ctx, interaction) => `/interaction/${interaction.uid}`,
      policy: createInteractionPolicy({ maxSeconds: config.session.maxSeconds, nowSeconds }),
    },

    ttl: {
      AccessToken: config.ttl.accessToken,
      AuthorizationCode: 60,
      ClientCredentials: config.ttl.accessToken,
      IdToken: config.ttl.idToken,
      RefreshToken: (_ctx, token) => refreshTokenTtl(token, lifetimes),
      Interaction: 30 * 60,
      Grant: (_ctx, grant) => grantTtl(grant, lifetimes),
      // the account's organisation may set its own idle limit; the adapter has learned it by now (session-idle.ts)
      Session: (_ctx, session) => sessionTtl({ loginTs: session.loginTs, now: nowSeconds(), idleSeconds: deps.sessionIdle.secondsFor(session.accountId), maxSeconds: config.session.maxSeconds }),
    },

    // oidc-provider refuses outgoing requests (back-channel logout tokens, a client's jwks_uri)
    // to loopback and private addresses (SSRF). On an http issuer, which is development only,
    // apps on this machine (the demo, a developer's app, the tests) may be reached on loopback.
    fetch: (input: string | URL | Request, init?: RequestInit) => {
      const url = input instanceof Request ? input.url : input;
      if (config.secureCookies || !init || !isLoopbackUrl(url)) return globalThis.fetch(input, init);
      const { dispatcher: _ssrfGuard, ...rest } = init as RequestInit & { dispatcher?: unknown };
      return globalThis.fetch(input, rest);
    },

    renderError: deps.pages.renderError,
    ...(deps.pages.languages ? { discovery: { ui_locales_supported: [...deps.pages.languages] } } : {}),
  };

  const provider = new Provider(config.issuer, configuration);
  provider.proxy = config.trustProxy;
  subscribeToProviderEvents(provider, deps.audit, deps.log);
  return provider;
}
