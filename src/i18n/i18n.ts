// The message catalogue: every user-facing text goes through t(). Per language, messages/<lang>.json
// and messages/<lang>/<area>.json; the language comes from ui_locales or Accept-Language.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import i18next, { type TFunction } from 'i18next';
import { projectPath } from '../project-root.js';

export const languages = ['en', 'de', 'nl'] as const;
export type Language = (typeof languages)[number];

/**
 * One language's catalogue: messages/<lang>.json plus every messages/<lang>/*.json (one file per
 * area of the product), merged; a key defined twice is a mistake and stops the start.
 */
export function catalogue(lang: Language): Record<string, unknown> {
  const dir = projectPath('interactions', 'messages');
  const parts = [join(dir, `${lang}.json`)];
  const areaDir = join(dir, lang);
  if (existsSync(areaDir))
    for (const f of readdirSync(areaDir)
      .filter((n) => n.endsWith('.json'))
      .sort())
      parts.push(join(areaDir, f));
  const merged: Record<string, unknown> = {};
  for (const file of parts) merge(merged, JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>, file, '');
  return merged;
}

function merge(into: Record<string, unknown>, from: Record<string, unknown>, file: string, path: string): void {
  for (const [key, value] of Object.entries(from)) {
    const existing = into[key];
    const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
    if (existing === undefined) into[key] = value;
    else if (isObject(existing) && isObject(value)) merge(existing, value, file, `${path}${key}.`);
    else throw new Error(`message ${path}${key} is defined twice (again in ${file})`);
  }
}

export interface Translator {
  t: TFunction;
  lang: Language;
}

export async function createI18n() {
  const instance = i18next.createInstance();
  await instance.init({
    resources: Object.fromEntries(languages.map((l) => [l, { translation: catalogue(l) }])),
    lng: 'en',
    fallbackLng: 'en',
    supportedLngs: [...languages],
    // eta escapes on output; escaping here too would double-escape
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  return {
    forLanguage(lang: Language): Translator {
      return { t: instance.getFixedT(lang), lang };
    },
  };
}

/**
 * A language read back from storage (an e-mail sent later, e.g. when a reset's cool-off ends,
 * keeps the language of the request that started it: store `tr.lang`, then
 * `i18n.forLanguage(asLanguage(stored))`). Anything unknown is English.
 */
export function asLanguage(value: unknown): Language {
  return languages.find((l) => l === value) ?? 'en';
}

/** Pick a supported language: ui_locales (space-separated, in order) first, then Accept-Language. */
export function pickLanguage(uiLocales: string | undefined, acceptLanguage: string | undefined): Language {
  const wanted = [
    ...(uiLocales?.split(/\s+/) ?? []),
    ...(acceptLanguage ?? '')
      .split(',')
      .map((part) => {
        const [tag = '', ...params] = part.trim().split(';');
        const q = params.find((p) => p.trim().startsWith('q='));
        return { tag: tag.trim(), q: q ? Number(q.trim().slice(2)) : 1 };
      })
      .filter((x) => x.tag && x.q > 0)
      .sort((a, b) => b.q - a.q)
      .map((x) => x.tag),
  ];
  for (const tag of wanted) {
    const base = tag.toLowerCase().split(/[-_]/)[0];
    const match = languages.find((l) => l === base);
    if (match) return match;
  }
  return 'en';
}

export type I18n = Awaited<ReturnType<typeof createI18n>>;
