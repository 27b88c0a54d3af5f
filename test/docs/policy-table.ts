// The table of policy fields in docs/organisations.md, made from the policy's one definition
// (src/organisations/policy.ts) and the console's English labels. `npm run docs:policy` writes it;
// policy-table.test.ts fails while the page and the definition differ.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Translator } from '../../src/i18n/i18n.js';
import { fieldType, policyFieldNames, policyFields, type PolicyField, type PolicyFieldName, type Unit } from '../../src/organisations/policy.js';

export const policyPage = fileURLToPath(new URL('../../docs/organisations.md', import.meta.url));
const start = '<!-- policy-table -->';
const end = '<!-- /policy-table -->';

const code = (v: unknown) => `\`${v === null ? 'null' : Array.isArray(v) ? v.join(',') : String(v)}\``;
const inUnit = (min: number, max: number, unit: Unit) => `${Math.ceil(min / unit.factor)} to ${Math.floor(max / unit.factor)} ${unit.name}`;

function values(n: PolicyFieldName): string {
  const f: PolicyField = policyFields[n];
  const t = fieldType(n);
  switch (t.type) {
    case 'choice':
      return t.values.map(code).join(', ');
    case 'choices':
      return `one or more of ${t.values.map(code).join(', ')} (CLI: comma-separated)`;
    case 'boolean':
      return '`true`, `false`';
    case 'moment':
      return 'a date-time, or `null` (CLI: `YYYY-MM-DD`, midnight UTC, or `none`; console: a day, or empty)';
  }
  const stored = `${t.min} to ${t.max}${/_seconds$/.test(n) ? ' seconds' : ''}`;
  // how the CLI and the console ask for it, where that differs from the stored number
  const asked = (where: string, unit: Unit | undefined, empty: string) => {
    const range = unit ? inUnit(t.min, t.max, unit) : '';
    if (!t.nullable) return range && `${where}: ${range}`;
    return `${where}: ${range ? `${range}, or ` : ''}${empty}`;
  };
  const notes = [asked('CLI', f.cli.unit, '`default`'), asked('console', f.console.unit, 'empty')].filter(Boolean);
  return `${stored}${t.nullable ? ', or `null`' : ''}${notes.length ? ` (${notes.join('; ')})` : ''}`;
}

/** The table, one row per field, in the definition's order. */
export function policyTable(tr: Translator): string {
  const rows = policyFieldNames.map((n) => {
    const f: PolicyField = policyFields[n];
    const meaning = f.serverSetting ? `${f.help}; \`null\`: the server's \`${f.serverSetting}\`` : f.help;
    const cells = [code(n), `\`--${f.cli.flag}\``, tr.t(`admin_console.${f.console.label}`), values(n), code(f.default), meaning];
    return `| ${cells.map((c) => c.replaceAll('|', '\\|')).join(' | ')} |`;
  });
  return ['| field | CLI flag | console field | values | default | meaning |', '|---|---|---|---|---|---|', ...rows].join('\n');
}

/** The page's table as it stands. */
export function tableInPage(page = readFileSync(policyPage, 'utf8')): string {
  const from = page.indexOf(start);
  const to = page.indexOf(end);
  if (from < 0 || to < from) throw new Error(`${policyPage} lost its ${start} … ${end} markers`);
  return page.slice(from + start.length, to).trim();
}

export function writeTable(tr: Translator): void {
  const page = readFileSync(policyPage, 'utf8');
  const from = page.indexOf(start) + start.length;
  writeFileSync(policyPage, `${page.slice(0, from)}\n${policyTable(tr)}\n${page.slice(page.indexOf(end))}`);
}
