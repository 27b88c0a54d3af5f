// A tiny page server for the WebAuthn browser test, standing in for the hosted pages: the real
// module (createWebAuthn), the real /assets/*.js through src/http/assets.ts, the real security
// headers (CSP `script-src 'self'`), the real factors table. It listens on 127.0.0.1 and is
// opened as http://localhost:<port>, which browsers treat as a secure context, so WebAuthn runs
// without TLS with `localhost` as the RP ID.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bodyParser } from '@koa/bodyparser';
import Koa from 'koa';
import { systemClock } from '../../src/clock.js';
import { isAppError } from '../../src/errors.js';
import { createWebAuthn } from '../../src/factors/webauthn/webauthn.js';
import { webAuthnLabel } from '../../src/factors/webauthn/webauthn-names.js';
import { jsonForScriptElement } from '../../src/factors/webauthn/webauthn-page-json.js';
import { assets } from '../../src/http/assets.js';
import { securityHeaders } from '../../src/http/security-headers.js';
import type { Account } from '../../src/storage/postgres/accounts.js';
import type { FactorRecord, FactorsRepo } from '../../src/storage/postgres/factors.js';
import type { ShortLivedStore } from '../../src/storage/short-lived/store.js';

/** The texts a real page takes from the message catalogue. */
export const pageTexts = {
  start: 'Use your security key',
  cancelled: 'Page says: cancelled or timed out',
  registered: 'Page says: this key is already registered',
  unsupported: 'Page says: this browser cannot use security keys',
  generic: 'Page says: that did not work',
};

export type Outcome =
  | { step: 'registered'; factor: FactorRecord }
  | { step: 'authenticated'; factor: FactorRecord; newSignCount: number; advanced: boolean; userVerified: boolean }
  | { step: 'refused'; code: string; message: string };

const escapeHtml = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

function page(mode: 'register' | 'authenticate', options: unknown, autostart: boolean): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${mode}</title></head>
<body>
<script type="application/json" id="webauthn-options">${jsonForScriptElement(options)}</script>
<form id="webauthn-form" method="post" action="/${mode}" data-mode="${mode}"${autostart ? ' data-autostart' : ''}
  data-error-cancelled="${escapeHtml(pageTexts.cancelled)}" data-error-registered="${escapeHtml(pageTexts.registered)}"
  data-error-unsupported="${escapeHtml(pageTexts.unsupported)}" data-error-generic="${escapeHtml(pageTexts.generic)}">
  <input type="hidden" name="response">
  <button type="button" id="webauthn-start" hidden>${escapeHtml(pageTexts.start)}</button>
</form>
<p id="webauthn-error" role="alert" hidden></p>
<noscript>This step needs JavaScript.</noscript>
<script src="/assets/simplewebauthn-browser.js"></script>
<script src="/assets/webauthn.js"></script>
</body></html>`;
}

const resultPage = (text: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>result</title></head><body><p id="result">${escapeHtml(text)}</p></body></html>`;

export async function startWebAuthnPages(deps: { store: ShortLivedStore; factors: FactorsRepo; account: Account }) {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://localhost:${(server.address() as AddressInfo).port}`;
  const webauthn = createWebAuthn({ rpName: 'Twofold test', issuer: url, store: deps.store, clock: systemClock, factors: deps.factors });
  const outcomes: Outcome[] = [];
  const hooks: { autostart: boolean; factorsForVerify?: () => Promise<FactorRecord[]> } = { autostart: true };

  const app = new Koa();
  app.use(securityHeaders({ hsts: false }));
  app.use(assets());
  app.use(bodyParser({ enableTypes: ['form'], formLimit: '100kb', encoding: 'utf-8' }));
  app.use(async (ctx) => {
    const { account } = deps;
    const binding = `test:${account.id}`;
    ctx.type = 'html';
    try {
      if (ctx.method === 'GET' && ctx.path === '/register') {
        const options = await webauthn.registrationOptions({ binding, account, existing: await deps.factors.findByAccount(account.id) });
        ctx.body = page('register', options, false);
      } else if (ctx.method === 'POST' && ctx.path === '/register') {
        const fields = await webauthn.verifyRegistration({ binding, response: (ctx.request.body as Record<string, unknown>)['response'] });
        const label = webAuthnLabel(fields, { securityKey: 'Security key', passkey: 'Passkey' });
        const factor = await deps.factors.save({ ...fields, accountId: account.id, label });
        outcomes.push({ step: 'registered', factor });
        ctx.body = resultPage(`registered ${factor.id}`);
      } else if (ctx.method === 'GET' && ctx.path === '/authenticate') {
        const options = await webauthn.authenticationOptions({ binding, factors: await deps.factors.findByAccount(account.id) });
        ctx.body = page('authenticate', options, hooks.autostart);
      } else if (ctx.method === 'POST' && ctx.path === '/authenticate') {
        const factors = hooks.factorsForVerify ? await hooks.factorsForVerify() : await deps.factors.findByAccount(account.id);
        const result = await webauthn.verifyAuthentication({ binding, response: (ctx.request.body as Record<string, unknown>)['response'], factors });
        const advanced = await deps.factors.advanceSignCount(result.factor.id, result.newSignCount, result.backedUp);
        outcomes.push({ step: 'authenticated', factor: result.factor, newSignCount: result.newSignCount, advanced, userVerified: result.userVerified });
        ctx.body = resultPage(`authenticated advanced=${advanced}`);
      } else {
        ctx.status = 404;
      }
    } catch (err) {
      if (!isAppError(err)) throw err;
      outcomes.push({ step: 'refused', code: err.code, message: err.message });
      ctx.status = err.status;
      ctx.body = resultPage(`refused ${err.code}`);
    }
  });
  server.on('request', app.callback());

  return {
    url,
    webauthn,
    outcomes,
    hooks,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
