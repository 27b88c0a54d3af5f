// The message catalogue: every key the code and templates ask for exists, in every language,
// and the per-area files merge without clashes.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { asLanguage, catalogue, languages, pickLanguage } from '../../src/i18n/i18n.js';
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

/** messages/<lang>.json and each messages/<lang>/<area>.json, as functions of the language. */
function catalogueFiles(lang: string): Array<(l: string) => string> {
  const dir = projectPath('interactions', 'messages');
  const areas = existsSync(join(dir, lang)) ? readdirSync(join(dir, lang)).filter((n) => n.endsWith('.json')) : [];
  return [(l: string) => `${l}.json`, ...areas.map((a) => (l: string) => `${l}/${a}`)];
}

function readJson(lang: string, file: (l: string) => string): Record<string, unknown> | undefined {
  const path = join(projectPath('interactions', 'messages'), file(lang));
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>) : undefined;
}

function strings(obj: Record<string, unknown>, prefix = ''): Record<string, string> {
  return Object.fromEntries(
    Object.entries(obj).flatMap(([k, v]) => (typeof v === 'object' && v !== null ? Object.entries(strings(v as Record<string, unknown>, `${prefix}${k}.`)) : [[`${prefix}${k}`, String(v)]])),
  );
}

/** The {{variables}} a text interpolates, sorted and without repeats. */
const variables = (text: string) => [...new Set([...text.matchAll(/\{\{\s*([^}]+?)\s*\}\}/g)].map((m) => m[1]!))].sort().join(' ');

/** i18next plural forms (key_one, key_other) stand for the key itself. */
const withoutPlural = (key: string) => key.replace(/_(zero|one|two|few|many|other)$/, '');

/**
 * The keys a language must have, given English's: the same, except that a plural (key_one,
 * key_other) has the forms of that language (Polish would need key_few and key_many too).
 */
function inLanguage(lang: string, enKeys: string[]): string[] {
  const forms = new Intl.PluralRules(lang).resolvedOptions().pluralCategories;
  const keys = new Set<string>();
  for (const key of enKeys) {
    if (withoutPlural(key) === key) keys.add(key);
    else for (const form of forms) keys.add(`${withoutPlural(key)}_${form}`);
  }
  return [...keys].sort();
}

describe('message catalogue', () => {
  it('has every literal key the code and templates use', () => {
    const known = new Set(flatten(catalogue('en')).map(withoutPlural));
    const missing = [...literalKeys()].filter((k) => !known.has(k));
    expect(missing).toEqual([]);
  });

  it("has the same keys in every language (plural forms: that language's own)", () => {
    const en = flatten(catalogue('en'));
    for (const lang of languages) expect(flatten(catalogue(lang)).sort(), lang).toEqual(inLanguage(lang, en));
  });

  it('has, for every English file, the same file in every language with the same keys (untranslated areas are named)', () => {
    const problems: string[] = [];
    for (const file of catalogueFiles('en')) {
      for (const lang of languages.filter((l) => l !== 'en')) {
        const en = inLanguage(lang, flatten(readJson('en', file) ?? {}));
        const other = readJson(lang, file);
        if (!other) {
          problems.push(`${lang}: ${file(lang)} is missing (translate ${file('en')})`);
          continue;
        }
        const keys = new Set(flatten(other));
        for (const k of en.filter((k) => !keys.has(k))) problems.push(`${lang}: ${file(lang)} lacks ${k}`);
        for (const k of [...keys].filter((k) => !en.includes(k))) problems.push(`${lang}: ${file(lang)} has ${k}, which English does not`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('keeps every {{variable}} of the English text in every translation, and adds none', () => {
    const en = strings(catalogue('en'));
    const problems: string[] = [];
    for (const lang of languages.filter((l) => l !== 'en')) {
      for (const [key, text] of Object.entries(strings(catalogue(lang)))) {
        const want = variables(en[key] ?? en[`${withoutPlural(key)}_other`] ?? '');
        const got = variables(text);
        if (want !== got) problems.push(`${lang} ${key}: ${got || '(none)'} instead of ${want || '(none)'}`);
        if (!text.trim()) problems.push(`${lang} ${key}: empty`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('picks the language from ui_locales first, then Accept-Language by weight, else English', () => {
    expect(pickLanguage(undefined, undefined)).toBe('en');
    expect(pickLanguage('', '')).toBe('en');
    expect(pickLanguage('xx en', 'fr')).toBe('en');
    expect(pickLanguage(undefined, 'fr;q=0.9, en;q=0.8')).toBe('en');
    // Accept-Language alone: region subtags, case, weights, wildcards
    expect(pickLanguage(undefined, 'de')).toBe('de');
    expect(pickLanguage(undefined, 'de-CH,de;q=0.9,en;q=0.8')).toBe('de');
    expect(pickLanguage(undefined, 'NL-be')).toBe('nl');
    expect(pickLanguage(undefined, 'en;q=0.5, nl;q=0.9, de;q=0.7')).toBe('nl');
    expect(pickLanguage(undefined, 'fr-FR, fr;q=0.9, de;q=0.8, en;q=0.7')).toBe('de');
    expect(pickLanguage(undefined, 'de;q=0, nl;q=0.1')).toBe('nl');
    expect(pickLanguage(undefined, '*')).toBe('en');
    expect(pickLanguage(undefined, 'de;q=garbage, ;;,,nl')).toBe('nl');
    // ui_locales wins over Accept-Language, in its own order, first supported one
    expect(pickLanguage('nl', 'de')).toBe('nl');
    expect(pickLanguage('fr-CA nl de', 'en')).toBe('nl');
    expect(pickLanguage('de-AT', undefined)).toBe('de');
    expect(pickLanguage('  nl  ', 'de')).toBe('nl');
    expect(pickLanguage('fr\tde_AT', undefined)).toBe('de');
    // nothing supported in ui_locales: Accept-Language decides
    expect(pickLanguage('fr ja', 'de, en;q=0.5')).toBe('de');
  });

  it('reads a stored language back, English for anything unknown', () => {
    expect(asLanguage('nl')).toBe('nl');
    expect(asLanguage('de')).toBe('de');
    expect(asLanguage('de-DE')).toBe('en');
    expect(asLanguage(undefined)).toBe('en');
    expect(asLanguage(42)).toBe('en');
  });
});
