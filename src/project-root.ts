// Where the files that ship next to the code live (templates, messages, stylesheet,
// migrations). They are found from the project root — the nearest directory above this module
// that holds package.json — so the same code works from the sources (src/, run by tsx) and
// compiled (dist/src/, in the Docker image), where a path relative to import.meta.url would
// point into dist/.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

function findRoot(): string {
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${start}: cannot locate the project root`);
  }
}

/** An absolute path inside the project root, e.g. projectPath('migrations'). */
export function projectPath(...segments: string[]): string {
  root ??= findRoot();
  return join(root, ...segments);
}
