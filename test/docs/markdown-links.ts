// Finds the relative links of Markdown files and says which ones point nowhere: a file that does
// not exist, or a #anchor that is not a heading of the file it points into (GitHub's heading
// ids). External links (https:, mailto:, …) are not fetched. Used by links.test.ts.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

export interface MarkdownLink {
  target: string;
  line: number;
}

export interface BrokenLink extends MarkdownLink {
  file: string;
  problem: string;
}

/** The text without fenced code blocks (their lines kept blank, so line numbers still match). */
function withoutCodeBlocks(text: string): string {
  let fence: string | undefined;
  return text
    .split('\n')
    .map((line) => {
      const opening = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
      if (fence === undefined && opening) {
        fence = opening[1]!;
        return '';
      }
      if (fence !== undefined) {
        if (new RegExp(`^\\s{0,3}${fence[0]}{${fence.length},}\\s*$`).test(line)) fence = undefined;
        return '';
      }
      return line;
    })
    .join('\n');
}

/** Inline code spans blanked out: a link written inside backticks is an example, not a link. */
const withoutCodeSpans = (line: string): string => line.replace(/(`+)(?:(?!\1).)+?\1/g, (m) => ' '.repeat(m.length));

/** Every link target: inline `[text](target)` and `![alt](target)`, and `[label]: target` definitions. */
export function markdownLinks(text: string): MarkdownLink[] {
  const links: MarkdownLink[] = [];
  withoutCodeBlocks(text)
    .split('\n')
    .forEach((raw, i) => {
      const line = withoutCodeSpans(raw);
      for (const m of line.matchAll(/\]\(\s*(<[^>]*>|[^)\s]+)(?:\s+["'(][^)]*)?\)/g)) {
        links.push({ target: m[1]!.replace(/^<|>$/g, ''), line: i + 1 });
      }
      const definition = /^\s{0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)/.exec(line);
      if (definition) links.push({ target: definition[1]!.replace(/^<|>$/g, ''), line: i + 1 });
    });
  return links;
}

/** GitHub's id for a heading: lower case, punctuation dropped, spaces to hyphens; repeats get -1, -2, … */
export function headingAnchors(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of withoutCodeBlocks(text).split('\n')) {
    for (const m of line.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(m[1]!);
    const heading = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const visible = heading[1]!
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // a link shows its text
      .replace(/<[^>]+>/g, '') // inline HTML
      .replace(/[`*]/g, ''); // code spans and emphasis
    const base = visible
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

const external = (target: string) => /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//');

/** The links of `files` (paths relative to `root`) that point at nothing. */
export function brokenLinks(root: string, files: string[]): BrokenLink[] {
  const broken: BrokenLink[] = [];
  const anchorsOf = new Map<string, Set<string>>();
  const anchors = (path: string) => {
    let found = anchorsOf.get(path);
    if (!found) {
      found = headingAnchors(readFileSync(path, 'utf8'));
      anchorsOf.set(path, found);
    }
    return found;
  };
  for (const file of files) {
    const from = resolve(root, file);
    for (const link of markdownLinks(readFileSync(from, 'utf8'))) {
      if (external(link.target)) continue;
      const hashAt = link.target.indexOf('#');
      const pathPart = decodeURIComponent(hashAt === -1 ? link.target : link.target.slice(0, hashAt));
      const anchor = hashAt === -1 ? undefined : decodeURIComponent(link.target.slice(hashAt + 1));
      const to = pathPart === '' ? from : pathPart.startsWith('/') ? join(root, pathPart) : resolve(dirname(from), pathPart);
      const report = (problem: string) => broken.push({ file, ...link, problem });
      if (!existsSync(to)) {
        report(`${relative(root, to) || to} does not exist`);
        continue;
      }
      if (anchor === undefined || anchor === '') continue;
      if (statSync(to).isDirectory() || !to.endsWith('.md')) continue; // anchors into code are line numbers; not checked
      if (!anchors(to).has(anchor)) report(`${relative(root, to)} has no heading #${anchor}`);
    }
  }
  return broken;
}
