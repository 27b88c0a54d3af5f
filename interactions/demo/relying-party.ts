// A tiny relying party served by the same process at /demo, so a newcomer sees the whole flow:
// "Sign in" → our hosted pages → back here with a code → tokens → the verified ID-token claims.
// It uses openid-client exactly as an external application would, over HTTP to the issuer.
import Router from '@koa/router';
import * as oidc from 'openid-client';
import type { Config } from '../../src/config/index.js';
import type { Logger } from '../../src/log.js';
import type { ClientsRepo } from '../../src/storage/postgres/clients.js';
import type { I18n } from '../../src/i18n/i18n.js';
import type { DemoAccount } from '../../src/demo/seed.js';
import { renderPage, translatorFor } from '../render.js';
import type { Views } from '../views.js';

interface DemoDeps {
  config: Config;
  clients: ClientsRepo;
  views: Views;
  i18n: I18n;
  log: Logger;
  account: DemoAccount;
}

const stateCookie = 'twofold.demo';

export function createDemoRouter(deps: DemoDeps) {
  const { config, account } = deps;
  const router = new Router({ prefix: '/demo' });
  let discovered: Promise<oidc.Configuration> | undefined;

  function rpConfig(): Promise<oidc.Configuration> {
    discovered ??= (async () => {
      const metadata = await deps.clients.findMetadata(account.clientId);
      const secret = metadata?.client_secret;
      if (typeof secret !== 'string') throw new Error('demo client has no secret');
      return oidc.discovery(new URL(config.issuer), account.clientId, undefined, oidc.ClientSecretBasic(secret), {
        execute: config.issuer.startsWith('http:') ? [oidc.allowInsecureRequests] : [],
      });
    })().catch((err: unknown) => {
      discovered = undefined;
      throw err;
    });
    return discovered;
  }

  router.get('/', (ctx) => {
    const tr = translatorFor(ctx, deps.i18n);
    renderPage(ctx, deps.views, tr, 'demo', { title: tr.t('demo.title'), account, wide: true, outbox: config.outbox });
  });

  router.get('/login', async (ctx) => {
    const rp = await rpConfig();
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    ctx.cookies.set(stateCookie, JSON.stringify({ verifier, state, nonce }), { signed: true, httpOnly: true, sameSite: 'lax', path: '/demo', maxAge: 30 * 60 * 1000 });
    const url = oidc.buildAuthorizationUrl(rp, {
      redirect_uri: `${config.issuer}/demo/callback`,
      scope: 'openid email profile',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    ctx.redirect(url.href);
  });

  router.get('/callback', async (ctx) => {
    const tr = translatorFor(ctx, deps.i18n);
    const raw = ctx.cookies.get(stateCookie, { signed: true });
    ctx.cookies.set(stateCookie, null, { path: '/demo' });
    try {
      if (!raw) {
        renderPage(ctx, deps.views, tr, 'demo', { title: tr.t('demo.title'), account, wide: true, outbox: config.outbox, notice: tr.t('demo.no_sign_in_in_progress') }, 400);
        return;
      }
      const checks = JSON.parse(raw) as { verifier: string; state: string; nonce: string };
      const rp = await rpConfig();
      const tokens = await oidc.authorizationCodeGrant(rp, new URL(ctx.originalUrl, config.issuer), {
        pkceCodeVerifier: checks.verifier,
        expectedState: checks.state,
        expectedNonce: checks.nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims()!;
      const userinfo = await oidc.fetchUserInfo(rp, tokens.access_token, claims.sub);
      const logoutUrl = oidc.buildEndSessionUrl(rp, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: `${config.issuer}/demo` });
      renderPage(ctx, deps.views, tr, 'demo', {
        title: tr.t('demo.title'),
        account,
        wide: true,
        outbox: config.outbox,
        claims: JSON.stringify(claims, null, 2),
        userinfo: JSON.stringify(userinfo, null, 2),
        logoutUrl: logoutUrl.href,
      });
    } catch (err) {
      const message = err instanceof oidc.AuthorizationResponseError ? `${err.error}: ${err.error_description ?? ''}` : (err as Error).message;
      deps.log.info({ err: message }, 'demo sign-in did not complete');
      renderPage(ctx, deps.views, tr, 'demo', { title: tr.t('demo.title'), account, wide: true, outbox: config.outbox, error: message }, 400);
    }
  });

  return router;
}
