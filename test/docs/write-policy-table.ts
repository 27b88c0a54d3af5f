// `npm run docs:policy`: write the policy table of docs/organisations.md from the definition.
import { createI18n } from '../../src/i18n/i18n.js';
import { policyPage, writeTable } from './policy-table.js';

writeTable((await createI18n()).forLanguage('en'));
process.stdout.write(`wrote the policy table of ${policyPage}\n`);
