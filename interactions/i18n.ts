// The message catalogue: every user-facing text goes through t(). One JSON file per language
// under messages/; the language comes from ui_locales or Accept-Language.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import i18next, { type TFunction } from 'i18next';
import { projectPath } from '../src/project-root.js';

export const languages = ['en'] as const;
export type Language = (typeof languages)[number];

function catalogue(lang: Language): Record<string, unknown> {
  return JSON.parse(readFileSync(join(projectPath('interactions', 'messages'), `${lang}.json`), 'utf8')) as Record<string, unknown>;
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

/** Pick a supported language: ui_locales (space-separated, in order) first, then Accept-Language. */
export function pickLanguage(uiLocales: string | undefined, acceptLanguage: string | undefined): Language {
  const wanted = [
    ...(uiLocales?.split(' ') ?? []),
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
    const base = tag.toLowerCase().split('-')[0];
    const match = languages.find((l) => l === base);
    if (match) return match;
  }
  return 'en';
}

export type I18n = Awaited<ReturnType<typeof createI18n>>;
