// The admin API's organisation resource and its 2FA policy (zod; also the OpenAPI schemas).
import { z } from 'zod';
import { factorKinds, rememberIpRules, twoFactorModes } from '../storage/postgres/organisations.js';

export const policyInput = z
  .object({
    mode: z.enum(twoFactorModes).meta({ description: 'off: no second factor; optional: users choose; required: every user (from mandatory_from)' }),
    allowed_methods: z.array(z.enum(factorKinds)).min(1).meta({ description: 'the kinds of second factor users may enrol and use' }),
    one_code_method: z.boolean().meta({ description: 'at most one of e-mail and SMS codes at a time' }),
    mandatory_from: z.iso.datetime({ offset: true }).nullable().meta({ description: 'with mode required: enforced from this moment; before it a banner invites set-up' }),
    remember_device_days: z.number().int().min(0).max(90).meta({ description: '"Remember this device" for this many days; 0 hides it' }),
    remember_ip_rule: z.enum(rememberIpRules).meta({ description: "how a remembered device's IP address must match: exact, same network prefix, or ignore" }),
    reset_cooloff_seconds: z.number().int().min(0).max(2_592_000).meta({ description: 'a self-service 2FA reset takes effect after this long (0: at once)' }),
    logout_after_activation: z.boolean().meta({ description: 'end the session after a user activates their first second factor' }),
    max_wrong_codes: z.number().int().min(1).max(20).nullable().meta({ description: "wrong codes allowed in one sign-in; null: the server's SIGNIN_MAX_WRONG_CODES" }),
    code_ttl_seconds: z.number().int().min(30).max(900).nullable().meta({ description: "how long e-mail and SMS sign-in codes work; null: the server's CODE_TTL_SECONDS" }),
    session_idle_seconds: z
      .number()
      .int()
      .min(60)
      .max(86_400)
      .nullable()
      .meta({ description: "a signed-in session ends after this long without activity (the absolute SESSION_MAX_SECONDS still caps it); null: the server's SESSION_IDLE_SECONDS" }),
  })
  .partial()
  .strict();

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
  policy: z.object({
    mode: z.enum(twoFactorModes),
    allowed_methods: z.array(z.enum(factorKinds)),
    one_code_method: z.boolean(),
    mandatory_from: z.string().nullable(),
    remember_device_days: z.number(),
    remember_ip_rule: z.enum(rememberIpRules),
    reset_cooloff_seconds: z.number(),
    logout_after_activation: z.boolean(),
    max_wrong_codes: z.number().nullable(),
    code_ttl_seconds: z.number().nullable(),
    session_idle_seconds: z.number().nullable(),
  }),
});
