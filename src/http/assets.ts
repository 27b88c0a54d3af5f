// The static files of the hosted pages: a fixed map from URL to file, read once at start, so a
// request can never name a path on disk. The pages' CSP is `script-src 'self'`, so the WebAuthn
// page script and the @simplewebauthn/browser bundle it drives are served from here too.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Middleware } from 'koa';
import { projectPath } from '../project-root.js';

export interface Asset {
  /** Koa content type: a MIME type or an extension */
  type: string;
  file: string;
}

/**
 * The browser bundle (UMD, defines `window.SimpleWebAuthnBrowser`) of @simplewebauthn/browser.
 * The package exports only its module entry, so the bundle is found next to it, resolved from
 * the project root as Node resolves the package for our own code.
 */
function simpleWebAuthnBundle(): string {
  const entry = createRequire(projectPath('package.json')).resolve('@simplewebauthn/browser');
  return join(dirname(dirname(entry)), 'dist', 'bundle', 'index.umd.min.js');
}

export function assetFiles(): Record<string, Asset> {
  return {
    '/assets/twofold.css': { type: 'text/css', file: projectPath('interactions', 'assets', 'twofold.css') },
    '/assets/webauthn.js': { type: 'text/javascript', file: projectPath('interactions', 'assets', 'webauthn.js') },
    '/assets/session-warning.js': { type: 'text/javascript', file: projectPath('interactions', 'assets', 'session-warning.js') },
    '/assets/simplewebauthn-browser.js': { type: 'text/javascript', file: simpleWebAuthnBundle() },
  };
}

export function assets(files: Record<string, Asset> = assetFiles()): Middleware {
  const loaded = new Map(Object.entries(files).map(([path, a]) => [path, { type: a.type, body: readFileSync(a.file) }]));
  return async (ctx, next) => {
    const asset = loaded.get(ctx.path);
    if (!asset || (ctx.method !== 'GET' && ctx.method !== 'HEAD')) return next();
    ctx.type = asset.type;
    ctx.set('Cache-Control', 'public, max-age=3600');
    ctx.body = asset.body;
    return undefined;
  };
}
