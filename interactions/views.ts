// Server-rendered pages: eta templates with autoescaping, one layout, texts from the catalogue.
import { Eta } from 'eta';
import { projectPath } from '../src/project-root.js';
import type { Translator } from '../src/i18n/i18n.js';

const viewsDir = projectPath('interactions', 'views');

export interface PageData {
  title: string;
  [key: string]: unknown;
}

export function createViews() {
  const eta = new Eta({ views: viewsDir, autoEscape: true, cache: true, autoTrim: false });
  return {
    /** Render a full page: the template inside the layout. */
    page(template: string, tr: Translator, data: PageData): string {
      return eta.render(`./${template}`, { ...data, t: tr.t, lang: tr.lang });
    },
  };
}

export type Views = ReturnType<typeof createViews>;
