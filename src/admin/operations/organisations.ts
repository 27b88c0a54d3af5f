// What administrators do to organisations, shared by the JSON API (/admin/v1/organisations) and
// the console (/admin/organisations): an org admin sees and changes only their own (another one is
// a 404); only an admin creates one; every change audited with who made it.
import type { z } from 'zod';
import type { AuditLog } from '../../storage/postgres/audit.js';
import type { Organisation, OrganisationsRepo, TwoFactorPolicy } from '../../storage/postgres/organisations.js';
import { actor, organisationScope, requireRole, type AdminPrincipal } from '../auth.js';
import { ApiError, notFound } from '../errors.js';
import type { organisationChange, organisationInput, policyInput } from '../organisation-schemas.js';

export interface OrganisationOpsDeps {
  organisations: OrganisationsRepo;
  audit: AuditLog;
}

/** The policy fields the input gives, in the repository's terms. */
export function policyChange(input: z.infer<typeof policyInput>): Partial<TwoFactorPolicy> {
  const change: Partial<TwoFactorPolicy> = {};
  if (input.mode !== undefined) change.mode = input.mode;
  if (input.allowed_methods !== undefined) change.allowedMethods = [...new Set(input.allowed_methods)];
  if (input.one_code_method !== undefined) change.oneCodeMethod = input.one_code_method;
  if (input.mandatory_from !== undefined) change.mandatoryFrom = input.mandatory_from === null ? null : new Date(input.mandatory_from);
  if (input.remember_device_days !== undefined) change.rememberDeviceDays = input.remember_device_days;
  if (input.remember_ip_rule !== undefined) change.rememberIpRule = input.remember_ip_rule;
  if (input.reset_cooloff_seconds !== undefined) change.resetCooloffSeconds = input.reset_cooloff_seconds;
  if (input.logout_after_activation !== undefined) change.logoutAfterActivation = input.logout_after_activation;
  if (input.max_wrong_codes !== undefined) change.maxWrongCodes = input.max_wrong_codes;
  if (input.code_ttl_seconds !== undefined) change.codeTtlSeconds = input.code_ttl_seconds;
  if (input.session_idle_seconds !== undefined) change.sessionIdleSeconds = input.session_idle_seconds;
  return change;
}

/** A policy in the input's terms (what the API answers and `twofold export` writes). */
export function policyView(p: TwoFactorPolicy): Required<z.infer<typeof policyInput>> {
  return {
    mode: p.mode,
    allowed_methods: p.allowedMethods,
    one_code_method: p.oneCodeMethod,
    mandatory_from: p.mandatoryFrom?.toISOString() ?? null,
    remember_device_days: p.rememberDeviceDays,
    remember_ip_rule: p.rememberIpRule,
    reset_cooloff_seconds: p.resetCooloffSeconds,
    logout_after_activation: p.logoutAfterActivation,
    max_wrong_codes: p.maxWrongCodes,
    code_ttl_seconds: p.codeTtlSeconds,
    session_idle_seconds: p.sessionIdleSeconds,
  };
}

/** The organisation if this principal may see it; a 404 otherwise. */
export async function visibleOrganisation(deps: OrganisationOpsDeps, p: AdminPrincipal, id: string): Promise<Organisation> {
  const only = organisationScope(p);
  const found = only === undefined || only === id ? await deps.organisations.findById(id) : undefined;
  if (!found) throw notFound('organisation');
  return found;
}

export async function createOrganisation(deps: OrganisationOpsDeps, p: AdminPrincipal, input: z.infer<typeof organisationInput>): Promise<Organisation> {
  requireRole(p, 'admin');
  if (await deps.organisations.findBySlug(input.slug)) throw new ApiError(409, 'conflict', `an organisation with slug ${input.slug} already exists`);
  let org = await deps.organisations.save({ slug: input.slug, name: input.name });
  if (input.policy) org = (await deps.organisations.savePolicy(org.id, policyChange(input.policy))) ?? org;
  await deps.audit.record({ type: 'organisation.created', details: { ...actor(p), organisation: org.id, slug: org.slug } });
  return org;
}

export async function updateOrganisation(deps: OrganisationOpsDeps, p: AdminPrincipal, id: string, change: z.infer<typeof organisationChange>): Promise<Organisation> {
  let org = await visibleOrganisation(deps, p, id);
  if (change.name !== undefined) org = (await deps.organisations.rename(org.id, change.name)) ?? org;
  if (change.policy) org = (await deps.organisations.savePolicy(org.id, policyChange(change.policy))) ?? org;
  await deps.audit.record({ type: 'organisation.updated', details: { ...actor(p), organisation: org.id, name: change.name !== undefined, policy: change.policy ?? {} } });
  return org;
}
