#!/usr/bin/env node
// The `twofold` operator command (npx twofold ..., or `twofold` in the Docker image).
// In a checkout it runs the TypeScript sources through tsx, so it never runs a stale build;
// where there are no sources (the Docker image) it runs the compiled dist/ and needs no tsx.
import { existsSync } from 'node:fs';

const sources = new URL('../src/cli/main.ts', import.meta.url);
const compiled = new URL('../dist/src/cli/main.js', import.meta.url);

async function load() {
  if (existsSync(sources)) {
    try {
      const { register } = await import('tsx/esm/api');
      register();
      return await import(sources.href);
    } catch (err) {
      // a checkout installed without dev dependencies: fall back to a build if there is one
      if (err?.code !== 'ERR_MODULE_NOT_FOUND' || !existsSync(compiled)) throw err;
    }
  }
  if (existsSync(compiled)) return import(compiled.href);
  throw new Error('twofold: neither src/cli/main.ts nor dist/src/cli/main.js found; run `npm ci` (or `npm run build`) first');
}

const { main } = await load();
process.exitCode = await main(process.argv.slice(2));
