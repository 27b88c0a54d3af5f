// The console's policy form, derived from the policy's one definition (src/organisations/policy.ts):
// one control per field, in its order, asked in its console unit (hours, minutes), labelled and
// explained by its catalogue keys; and back from the form to the API's input, which the shared
// operation checks with the API's schema.
import { fieldType, policyFieldNames, policyFields, type PolicyField, type PolicyFieldName, type TwoFactorPolicy } from '../../src/organisations/policy.js';
import type { Translator } from '../../src/i18n/i18n.js';
import { field, fields, type formOf } from './page.js';

/** What the form shows for each field: strings as typed, a list of ticked values, or a ticked box. */
export type PolicyFormValues = Record<string, string | string[] | boolean>;

type Form = ReturnType<typeof formOf>;

const meta = (n: PolicyFieldName): PolicyField => policyFields[n];
const day = (d: Date) => d.toISOString().slice(0, 10);
/** a stored number in the console's unit, at most two decimals (15 minutes, 0.5 hours) */
const inUnit = (n: PolicyFieldName, v: number) => String(Math.round((v / (meta(n).console.unit?.factor ?? 1)) * 100) / 100);

/** The form's values for a saved policy. */
export function formValuesOf(p: TwoFactorPolicy): PolicyFormValues {
  const values: PolicyFormValues = {};
  for (const n of policyFieldNames) {
    const v = p[meta(n).key] as unknown;
    const name = meta(n).console.name;
    if (Array.isArray(v)) values[name] = v as string[];
    else if (typeof v === 'boolean') values[name] = v;
    else if (v instanceof Date) values[name] = day(v);
    else if (typeof v === 'number') values[name] = inUnit(n, v);
    else values[name] = v === null ? '' : String(v);
  }
  return values;
}

/** The form's values as typed (to show them again with the errors). */
export function formValuesFromForm(form: Form): PolicyFormValues {
  const values: PolicyFormValues = {};
  for (const n of policyFieldNames) {
    const { name } = meta(n).console;
    const t = fieldType(n);
    values[name] = t.type === 'choices' ? fields(form, name) : t.type === 'boolean' ? field(form, name) === 'on' : field(form, name);
  }
  return values;
}

/** The form as the API's policy input; a malformed number or date stays a string, so zod names the field. */
export function policyInputFromForm(form: Form): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const n of policyFieldNames) {
    const { name, unit } = meta(n).console;
    const t = fieldType(n);
    const raw = field(form, name).trim();
    if (t.type === 'choices') input[n] = fields(form, name);
    else if (t.type === 'boolean') input[n] = field(form, name) === 'on';
    else if (t.type === 'moment') input[n] = raw === '' ? null : /^\d{4}-\d{2}-\d{2}$/.test(raw) ? `${raw}T00:00:00Z` : raw;
    // empty: the server's setting
    else if (t.type === 'number') input[n] = raw === '' && t.nullable ? null : /^\d+(\.\d+)?$/.test(raw) ? Math.round(Number(raw) * (unit?.factor ?? 1)) : raw;
    else input[n] = field(form, name);
  }
  return input;
}

export interface FormControl {
  name: string;
  control: 'radios' | 'checkboxes' | 'checkbox' | 'select' | 'date' | 'number';
  label: string;
  help?: string | undefined;
  options?: Array<{ value: string; text: string; selected: boolean }>;
  value?: string;
  checked?: boolean;
  min?: number;
  max?: number;
  /** with a unit: any fraction of it */
  step?: string | undefined;
  inputmode?: string | undefined;
}

/**
 * The controls of the form, in the policy's order. `serverSettings` says what each server setting
 * that a null field stands for is now (for the help line), plus `max`: the absolute session limit.
 */
export function policyControls(tr: Translator, values: PolicyFormValues, serverSettings: Record<string, string>): FormControl[] {
  return policyFieldNames.map((n) => {
    const f = meta(n);
    const t = fieldType(n);
    const c = f.console;
    const value = values[c.name];
    const base = {
      name: c.name,
      label: tr.t(`admin_console.${c.label}`),
      help: c.help ? tr.t(`admin_console.${c.help}`, { value: f.serverSetting ? serverSettings[f.serverSetting] : undefined, max: serverSettings['max'] }) : undefined,
    };
    const options = (allowed: readonly string[], isOn: (v: string) => boolean) =>
      allowed.map((v) => ({ value: v, text: tr.t(`admin_console.${(c.option ?? '%s').replace('%s', v)}`), selected: isOn(v) }));
    switch (t.type) {
      case 'choice':
        return { ...base, control: c.control === 'select' ? 'select' : 'radios', options: options(t.values, (v) => v === value) };
      case 'choices':
        return { ...base, control: 'checkboxes', options: options(t.values, (v) => Array.isArray(value) && value.includes(v)) };
      case 'boolean':
        return { ...base, control: 'checkbox', checked: value === true };
      case 'moment':
        return { ...base, control: 'date', value: String(value ?? '') };
    }
    // a number, asked in the console's unit
    const factor = c.unit?.factor ?? 1;
    return {
      ...base,
      control: 'number',
      min: Math.ceil(t.min / factor),
      max: Math.floor(t.max / factor),
      step: c.unit ? 'any' : undefined,
      inputmode: c.unit?.name === 'minutes' ? 'decimal' : c.unit ? undefined : 'numeric',
      value: String(value ?? ''),
    };
  });
}
