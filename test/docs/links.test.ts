// The README and docs/ point at each other and at files of the repository: every relative link
// must reach a file that exists, and every #anchor a heading of the Markdown file it names.
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokenLinks, headingAnchors, markdownLinks } from './markdown-links.js';

const docs = readdirSync('docs', { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.md'))
  .map((f) => join('docs', f))
  .sort();

describe('documentation links', () => {
  it('has a README and documents in docs/', () => {
    expect(docs.length).toBeGreaterThan(5);
    expect(markdownLinks(readFileText('README.md')).length).toBeGreaterThan(5);
  });

  it('every relative link of README.md and docs/*.md reaches a file and a heading', () => {
    const broken = brokenLinks('.', ['README.md', ...docs]).map((b) => `${b.file}:${b.line} (${b.target}): ${b.problem}`);
    expect(broken).toEqual([]);
  });

  it('every document is linked from the README or another document', () => {
    const linked = new Set<string>();
    for (const file of ['README.md', ...docs]) {
      for (const { target } of markdownLinks(readFileText(file))) {
        const path = target.split('#')[0]!;
        if (path.endsWith('.md')) linked.add(join(file === 'README.md' ? '.' : 'docs', path));
      }
    }
    expect(docs.filter((d) => !linked.has(d))).toEqual([]);
  });
});

describe('the link checker', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'twofold-links-'));
    mkdirSync(join(root, 'docs'));
    writeFileSync(
      join(root, 'README.md'),
      [
        '# Title',
        '[ok](docs/a.md) [ok anchor](docs/a.md#the-apply-file) [own](#title) [web](https://example.com/x.md)',
        '[missing](docs/nope.md) [bad anchor](docs/a.md#nowhere)',
        '`[in code](docs/also-nope.md)`',
        '```',
        '[in a block](docs/block-nope.md)',
        '```',
        '[ref]: docs/ref-nope.md',
      ].join('\n'),
    );
    writeFileSync(join(root, 'docs', 'a.md'), '# A\n\n## The `apply` file\n\n[up](../README.md#title) [gone](../src/gone.ts)\n');
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('reports a missing file, a missing heading and a missing reference target, and nothing else', () => {
    const found = brokenLinks(root, ['README.md', 'docs/a.md']).map((b) => `${b.file}:${b.line} ${b.target}`);
    expect(found).toEqual(['README.md:3 docs/nope.md', 'README.md:3 docs/a.md#nowhere', 'README.md:8 docs/ref-nope.md', 'docs/a.md:5 ../src/gone.ts']);
  });

  it('makes heading ids as GitHub does', () => {
    const ids = headingAnchors('# Try it (two commands)\n## The `apply` file\n## Sessions\n## Sessions\n```\n# not a heading\n```\n## What’s where: **here**, [docs](x.md)');
    expect([...ids]).toEqual(['try-it-two-commands', 'the-apply-file', 'sessions', 'sessions-1', 'whats-where-here-docs']);
  });
});

const readFileText = (path: string): string => readFileSync(path, 'utf8');
