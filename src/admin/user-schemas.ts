// The admin API's user resource (zod; also the OpenAPI schemas).
import { z } from 'zod';
import { roles } from '../storage/postgres/roles.js';

const reason = z.string().trim().min(3).max(500).meta({ description: 'why: kept in the audit log with who did it' });

export const userInput = z
  .object({
    email: z.email().max(254),
    name: z.string().trim().min(1).max(200),
    organisation_id: z.uuid().optional().meta({ description: "default: an org_admin's own organisation (an admin must give one)" }),
    roles: z.array(z.enum(roles)).default([]).meta({ description: 'admin only' }),
    email_verified: z.boolean().default(false).meta({ description: 'the address is known to be theirs; otherwise following the invitation confirms it' }),
  })
  .strict();

export const userChange = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    disabled: z.boolean().optional().meta({ description: 'a disabled user cannot sign in; disabling signs them out everywhere' }),
    roles: z.array(z.enum(roles)).optional().meta({ description: 'admin only' }),
    reason: reason.optional(),
  })
  .strict();

export const userQuery = z
  .object({
    q: z.string().max(200).optional().meta({ description: 'part of the e-mail address or name' }),
    organisation_id: z.uuid().optional(),
    status: z.enum(['active', 'disabled']).optional(),
    email_verified: z.enum(['true', 'false']).optional(),
    two_factor: z
      .enum(['enrolled', 'none', 'exempt'])
      .optional()
      .meta({ description: 'enrolled: has a second factor; none: has none; exempt: an administrator exempted them from a required policy (in effect now)' }),
  })
  .strict();

export const reasonBody = z.object({ reason }).strict();
export const bulkBody = z
  .object({
    organisation_id: z.uuid().optional().meta({ description: 'the organisation (an org_admin: their own, the default); an admin without it: every organisation' }),
    dry_run: z.boolean().default(true).meta({ description: 'true (the default): only list who would be affected' }),
    reason: reason.optional(),
  })
  .strict();

const until = z.iso
  .datetime({ offset: true })
  .optional()
  .meta({ description: "when the exemption ends (in the future); the organisation's policy applies again from then. Without it: until an administrator requires two-step verification again" });

export const disableTwoFactorBody = z.object({ reason, until }).strict();
export const bulkDisableBody = z
  .object({
    organisation_id: z.uuid().optional().meta({ description: 'the organisation (an org_admin: their own, the default); an admin must give one' }),
    dry_run: z.boolean().default(true).meta({ description: 'true (the default): only list who would be affected' }),
    reason: reason.optional().meta({ description: 'why: kept in the audit log with who did it; required when dry_run is false' }),
    until,
  })
  .strict();

export const disableOutcome = z.object({
  removed: z.number().meta({ description: 'how many methods were removed' }),
  two_factor_exempt_until: z.string().nullable().meta({ description: 'when the exemption ends; null: until an administrator ends it' }),
});

export const factorView = z.object({
  id: z.string(),
  kind: z.enum(['totp', 'email', 'sms', 'webauthn']),
  label: z.string(),
  created_at: z.string(),
  last_used_at: z.string().nullable(),
});

export const userView = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  organisation_id: z.string(),
  email_verified: z.boolean(),
  disabled: z.boolean(),
  password_set: z.boolean(),
  two_factor: z.boolean().meta({ description: 'at least one second factor enrolled' }),
  two_factor_exempt: z.boolean().meta({ description: "an administrator disabled two-step verification for this user: the organisation's required policy does not apply to them now" }),
  two_factor_exempt_until: z.string().nullable().meta({ description: 'when that exemption ends; null while exempt: until an administrator requires it again' }),
  roles: z.array(z.string()),
  created_at: z.string(),
});

export const userDetailView = userView.extend({
  factors: z.array(factorView).meta({ description: 'enrolled methods (never secrets)' }),
  unused_recovery_codes: z.number(),
  remembered_devices: z.number(),
});

export const bulkResult = z.object({
  dry_run: z.boolean(),
  count: z.number(),
  users: z.array(z.object({ id: z.string(), email: z.string(), outcome: z.string().optional() })),
});
