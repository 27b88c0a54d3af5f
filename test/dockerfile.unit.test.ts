// The image copies the compiled code plus the files it reads at run time. A new folder of
// templates or assets under interactions/ that the Dockerfile forgets breaks only the image,
// which cannot be built here: this catches it.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('Dockerfile', () => {
  it('copies every run-time folder of interactions/ and the migrations', () => {
    const dockerfile = readFileSync('Dockerfile', 'utf8');
    const copied = new Set([...dockerfile.matchAll(/^COPY (?!--from)(\S+) /gm)].map((m) => m[1]!));
    const runtimeFolders = readdirSync('interactions', { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .filter((e) => readdirSync(`interactions/${e.name}`, { recursive: true }).some((f) => !String(f).endsWith('.ts')))
      .map((e) => `interactions/${e.name}`);
    expect(runtimeFolders.length).toBeGreaterThan(0);
    for (const folder of [...runtimeFolders, 'migrations', 'bin']) expect(copied, folder).toContain(folder);
  });
});
