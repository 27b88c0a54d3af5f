// A factor's name on My profile and the admin console.
import { factorOf } from '../../src/factors/registry.js';
import type { Translator } from '../../src/i18n/i18n.js';
import type { FactorRecord } from '../../src/storage/postgres/factors.js';

/** The user's label, else its Factor's words for it. */
export function factorName(tr: Translator, f: FactorRecord): string {
  return factorOf(f.kind).describe(tr, f).name;
}
