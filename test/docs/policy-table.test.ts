// docs/organisations.md shows the policy as the definition has it: every field, flag, range and default.
import { describe, expect, it } from 'vitest';
import { createI18n } from '../../src/i18n/i18n.js';
import { policyTable, tableInPage } from './policy-table.js';

describe('the policy table in docs/organisations.md', () => {
  it('is the one made from src/organisations/policy.ts (npm run docs:policy writes it)', async () => {
    const tr = (await createI18n()).forLanguage('en');
    const made = policyTable(tr);
    expect(made).toContain('| `remember_device_days` | `--remember-days` |');
    expect(tableInPage(), 'run npm run docs:policy').toBe(made);
  });
});
