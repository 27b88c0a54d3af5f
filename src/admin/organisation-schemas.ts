// The admin API's organisation resource and its 2FA policy (zod; also the OpenAPI schemas).
import { z } from 'zod';
import { policyFieldNames, policyFields, policyShape, type PolicyField } from '../organisations/policy.js';

/** The policy's fields as the API takes them, each described for OpenAPI by its one definition. */
const described = Object.fromEntries(
  policyFieldNames.map((n) => {
    const f: PolicyField = policyFields[n];
    return [n, policyShape[n].meta({ description: f.serverSetting ? `${f.help}; null: the server's ${f.serverSetting}` : f.help })];
  }),
) as typeof policyShape;

export const policyInput = z.object(described).partial().strict();

export const organisationInput = z
  .object({
    slug: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, '1 to 63 lower-case letters, digits and -, starting with a letter or digit'),
    name: z.string().trim().min(1).max(200),
    policy: policyInput.optional(),
  })
  .strict();

export const organisationChange = z.object({ name: z.string().trim().min(1).max(200).optional(), policy: policyInput.optional() }).strict();

export const organisationView = z.object({
  id: z.string(),
  slug: z.string(),
  name: z.string(),
  created_at: z.string().meta({ format: 'date-time' }),
  policy: z.object(described),
});
