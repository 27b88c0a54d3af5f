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
    two_factor: z.enum(['enrolled', 'none']).optional(),
  })
  .strict();

export const reasonBody = z.object({ reason }).strict();
export const bulkBody = z
  .object({
    organisation_id: z.uuid().optional().meta({ description: "the organisation (an org_admin: their own, the default); an admin without it: every organisation" }),
    dry_run: z.boolean().default(true).meta({ description: 'true (the default): only list who would be affected' }),
    reason: reason.optional(),
  })
  .strict();

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
