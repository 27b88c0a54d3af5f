// The admin API's client resource: request and response schemas (zod), used both to validate
// requests and to write the OpenAPI document (openapi.ts), so the two cannot drift apart.
import { z } from 'zod';
import { grantTypes } from '../cli/client-metadata.js';

const uri = z.string().min(1).max(2000);

export const clientInput = z
  .object({
    client_id: z
      .string()
      .regex(/^[A-Za-z0-9._~-]{3,128}$/, '3 to 128 characters: letters, digits and . _ ~ -')
      .optional()
      .meta({ description: 'default: made from the name plus random characters' }),
    client_name: z.string().trim().min(1).max(200).meta({ description: 'shown on the consent page and in lists' }),
    redirect_uris: z.array(uri).max(50).default([]).meta({ description: 'exact match; https, or http on 127.0.0.1, [::1] or localhost only; no fragment' }),
    post_logout_redirect_uris: z.array(uri).max(50).default([]),
    backchannel_logout_uri: z
      .url({ protocol: /^https?$/, normalize: false })
      .max(2000)
      .refine((u) => !u.includes('#'), 'must not have a # fragment')
      .nullable()
      .optional()
      .meta({ description: 'OpenID Connect Back-Channel Logout: a signed logout token (with sid) is POSTed here when a session of this app ends; null removes it' }),
    grant_types: z.array(z.enum(grantTypes)).min(1).optional().meta({ description: 'default: authorization_code and refresh_token' }),
    token_endpoint_auth_method: z.enum(['client_secret_basic', 'client_secret_post', 'none']).default('client_secret_basic').meta({ description: 'none: a public client (PKCE only, no secret)' }),
    first_party: z.boolean().default(true).meta({ description: 'first-party apps skip the consent page' }),
    require_mfa: z.boolean().default(false).meta({ description: 'every sign-in to this app needs a second factor' }),
    admin_api: z.boolean().default(false).meta({ description: 'the client may obtain tokens with the admin scope for this API' }),
  })
  .strict();

export type ClientInput = z.infer<typeof clientInput>;

/**
 * PATCH: any field but client_id; what is left out keeps its value. Built without the defaults
 * of clientInput: zod's partial() would still fill them in, and a PATCH of the name would then
 * reset redirect_uris, first_party, require_mfa and admin_api to their defaults.
 */
const { client_id: _id, ...inputShape } = clientInput.shape;
const withoutDefaults = Object.fromEntries(Object.entries(inputShape).map(([k, s]) => [k, s instanceof z.ZodDefault ? s.unwrap() : s])) as {
  [K in keyof typeof inputShape]: (typeof inputShape)[K] extends z.ZodDefault<infer T> ? T : (typeof inputShape)[K];
};
export const clientChange = z.object(withoutDefaults).partial().strict();

export const clientView = z.object({
  client_id: z.string(),
  client_name: z.string(),
  redirect_uris: z.array(z.string()),
  post_logout_redirect_uris: z.array(z.string()),
  backchannel_logout_uri: z.string().nullable(),
  grant_types: z.array(z.string()),
  token_endpoint_auth_method: z.string(),
  first_party: z.boolean(),
  require_mfa: z.boolean(),
  admin_api: z.boolean(),
  created_at: z.string().meta({ format: 'date-time' }),
  updated_at: z.string().meta({ format: 'date-time' }),
});

export const clientWithSecret = clientView.extend({
  client_secret: z.string().optional().meta({ description: 'shown once: on creation and on rotation; absent for public clients' }),
});
