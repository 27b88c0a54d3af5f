// The organisation's policy on the profile page: what the two-step verification section says
// about it, which methods may be added (others are refused at /account/add/<kind>), and the
// note that the first method ends the session when the policy says so.
import type { Context, Next } from 'koa';
import type { FactorRecord } from '../../src/storage/postgres/factors.js';
import { factorKinds, isFactorKind } from '../../src/factors/registry.js';
import type { InteractionDeps } from '../context.js';
import { accountPolicy, offeredKinds, policyOf, replacedCodeFactors } from '../enrol/policy.js';
import type { Translator } from '../../src/i18n/i18n.js';
import { renderMessage, translatorFor } from '../render.js';
import { policyDate } from '../signin/policy.js';
import { recentActivity } from './activity.js';
import { requireViewer, type ProfileViewer } from './auth.js';
import { factorName } from './factor-name.js';

/** Refuse /account/add/<kind> for a kind the organisation does not allow (or cannot deliver). */
export function addMethodGuard(deps: InteractionDeps) {
  return async (ctx: Context, next: Next) => {
    const kind = /^\/account\/add\/([a-z]+)/.exec(ctx.path)?.[1];
    if (!kind || !isFactorKind(kind)) return next();
    const viewer = await requireViewer(ctx, deps);
    if (!viewer) return;
    if (offeredKinds(deps, await policyOf(deps, viewer.account)).includes(kind)) return next();
    const tr = translatorFor(ctx, deps.i18n);
    renderMessage(ctx, deps.views, tr, { title: tr.t('profile_more.not_allowed_title'), paragraphs: [tr.t('profile_more.not_allowed')], link: { href: '/account', text: tr.t('profile.back') } }, 403);
  };
}

/** The text that says a new code method replaces the other one ("one code method at a time"). */
export async function replacesNotice(deps: InteractionDeps, viewer: ProfileViewer, tr: Translator, kind: 'email' | 'sms'): Promise<string | undefined> {
  const replaced = replacedCodeFactors(await policyOf(deps, viewer.account), await deps.factors.findByAccount(viewer.account.id), kind);
  return replaced.length ? tr.t('profile_more.replaces', { name: replaced.map((f) => factorName(tr, f)).join(', ') }) : undefined;
}

/** What the profile page's own sections need (partials profile-*.eta). */
export async function profileAdditions(deps: InteractionDeps, viewer: ProfileViewer, tr: Translator, factors: FactorRecord[]) {
  const policy = await accountPolicy(deps, viewer.account); // an exempt account lives under "optional"
  const offered = offeredKinds(deps, policy);
  const notes: string[] = [];
  if (policy.mode === 'off') notes.push(tr.t('profile_more.policy_off'));
  if (policy.mode === 'required')
    notes.push(
      policy.mandatoryFrom && policy.mandatoryFrom.getTime() > deps.clock.now()
        ? tr.t('profile_more.policy_required_from', { date: policyDate(tr, policy.mandatoryFrom) })
        : tr.t('profile_more.policy_required'),
    );
  if (policy.mode !== 'off' && policy.oneCodeMethod) notes.push(tr.t('profile_more.policy_one_code'));
  if (policy.mode !== 'off' && policy.logoutAfterActivation && factors.length === 0) notes.push(tr.t('policy.will_sign_out'));
  return {
    policyNotes: notes,
    offered: Object.fromEntries(factorKinds.map((k) => [k, offered.includes(k)])),
    smsOffered: offered.includes('sms'),
    emailOffered: offered.includes('email'),
    canTurnOff: factors.length > 0 && policy.mode !== 'required',
    activity: await recentActivity(deps, tr, viewer.account.id),
  };
}
