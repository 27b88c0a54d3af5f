// Human-readable output: aligned tables and short timestamps.

/** Columns padded to their widest cell; the last column is not padded. */
export function table(headers: string[], rows: string[][]): string {
  const all = [headers, ...rows];
  const widths = headers.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all
    .map((r) =>
      r
        .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** Key-value lines with the values aligned; a value's own lines stay in its column. */
export function fields(pairs: Array<[string, string]>): string {
  const width = Math.max(...pairs.map(([k]) => k.length)) + 1;
  const indent = ' '.repeat(width + 4);
  return pairs.map(([k, v]) => `  ${`${k}:`.padEnd(width)}  ${v.split('\n').join(`\n${indent}`)}`).join('\n');
}

/** 2025-01-31 13:45:07Z: second precision is plenty for an operator. */
export function formatTime(d: Date): string {
  return `${d.toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
