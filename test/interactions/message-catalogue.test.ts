// The message catalogue: every key the code and templates ask for exists, in every language,
// and the per-area files merge without clashes.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogue, languages, pickLanguage } from '../../interactions/i18n.js';
import { projectPath } from '../../src/project-root.js';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(ts|eta)$/.test(e.name))
    .map((e) => join(e.parentPath, e.name));
}

/** Keys written out literally in t('…') calls (dynamic keys are checked by the pages' tests). */
function literalKeys(): Set<string> {
  const keys = new Set<string>();
  for (const file of [...sources(projectPath('interactions')), ...sources(projectPath('src'))]) {
    for (const m of readFileSync(file, 'utf8').matchAll(/\bt\(\s*['"]([a-z_][a-z0-9_.]*)['"]/g)) keys.add(m[1]!);
  }
  return keys;
}

function flatten(obj: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(obj).flatMap(([k, v]) => (typeof v === 'object' && v !== null ? flatten(v as Record<string, unknown>, `${prefix}${k}.`) : [`${prefix}${k}`]));
}

/** i18next plural forms (key_one, key_other) stand for the key itself. */
const withoutPlural = (key: string) => key.replace(/_(zero|one|two|few|many|other)$/, '');

describe('message catalogue', () => {
  it('has every literal key the code and templates use', () => {
    const known = new Set(flatten(catalogue('en')).map(withoutPlural));
    const missing = [...literalKeys()].filter((k) => !known.has(k));
    expect(missing).toEqual([]);
  });

  it('has the same keys in every language', () => {
    const en = flatten(catalogue('en')).sort();
    for (const lang of languages) expect(flatten(catalogue(lang)).sort(), lang).toEqual(en);
  });

  it('picks the language from ui_locales first, then Accept-Language by weight, else English', () => {
    expect(pickLanguage(undefined, undefined)).toBe('en');
    expect(pickLanguage('xx en', 'fr')).toBe('en');
    expect(pickLanguage(undefined, 'fr;q=0.9, en;q=0.8')).toBe('en');
  });
});
