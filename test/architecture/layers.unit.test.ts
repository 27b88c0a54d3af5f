// The layers of ../shared/CONVENTIONS.md, checked on the import graph: src/ is the domain and
// infrastructure and never imports the pages (interactions/), except the one wiring point
// src/main.ts, which builds the Koa app; and no two modules import each other, directly or
// through others.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { circles, importGraph } from './import-graph.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const graph = importGraph(root, ['src', 'interactions']);
const compositionRoot = 'src/main.ts';

describe('layers', () => {
  it('reads the whole tree (a broken graph would pass every rule below)', () => {
    expect(graph.size).toBeGreaterThan(150);
    expect(graph.get('src/main.ts')).toContain('src/services.ts');
    expect(graph.get('interactions/signin/steps.ts')).toContain('interactions/signin/step-types.ts');
  });

  it('nothing in src/ imports interactions/ but the wiring point src/main.ts', () => {
    const upward = [...graph].flatMap(([file, targets]) =>
      file.startsWith('src/') && file !== compositionRoot ? targets.filter((t) => t.startsWith('interactions/')).map((t) => `${file} → ${t}`) : [],
    );
    expect(upward).toEqual([]);
  });

  it('has no import circles', () => {
    expect(circles(graph).map((c) => c.join(' ⇄ '))).toEqual([]);
  });

  it('finds a circle and an upward import when there is one (the checks can fail)', () => {
    const bad = new Map([
      ['src/a.ts', ['src/b.ts']],
      ['src/b.ts', ['interactions/c.ts']],
      ['interactions/c.ts', ['src/a.ts']],
    ]);
    expect(circles(bad)).toEqual([['interactions/c.ts', 'src/a.ts', 'src/b.ts']]);
  });
});
