// What administrators do to organisations, shared by the JSON API (/admin/v1/organisations) and
// the console (/admin/organisations): an org admin sees and changes only their own (another one is
// a 404); only an admin creates one; every change audited with who made it.
import type { z } from 'zod';
import type { AuditLog } from '../../storage/postgres/audit.js';
import type { Organisation, OrganisationsRepo } from '../../storage/postgres/organisations.js';
import { policyFromWire, policyToWire, type PolicyWire, type TwoFactorPolicy } from '../../organisations/policy.js';
import { actor, organisationScope, requireRole, type AdminPrincipal } from '../auth.js';
import { ApiError, notFound } from '../errors.js';
import type { organisationChange, organisationInput, policyInput } from '../organisation-schemas.js';

export interface OrganisationOpsDeps {
  organisations: OrganisationsRepo;
  audit: AuditLog;
}

/** The policy fields the input gives, in the domain's terms. */
export const policyChange = (input: z.infer<typeof policyInput>): Partial<TwoFactorPolicy> => policyFromWire(input);

/** A policy in the input's terms (what the API answers and `twofold export` writes). */
export const policyView = (p: TwoFactorPolicy): PolicyWire => policyToWire(p);

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
