// Changing the e-mail address or phone number of a code factor: first a code to the current
// (old) destination proves it is still the user, then the new one is given and proven with a
// code sent there; only then is the factor changed (factor.updated, change: destination).
import type { Context } from 'koa';
import { factorOf, isDelivered } from '../../src/factors/registry.js';
import type { FactorRecord } from '../../src/storage/postgres/factors.js';
import type { InteractionDeps } from '../context.js';
import type { Channel } from '../deliver-code.js';
import { checkCode, parseDestination, sendCode } from '../enrol/code-factor.js';
import type { Translator } from '../../src/i18n/i18n.js';
import { renderPage, translatorFor } from '../render.js';
import type { ProfileViewer } from './auth.js';
import { profileFlash } from './flash.js';

interface Pending {
  factorId: string;
  /** old: waiting for the code sent to the current destination; new: for the new destination; code: for the code sent there */
  stage: 'old' | 'new' | 'code';
  destination?: string;
}

type Form = { error?: string | undefined; notice?: string | undefined; status?: number; value?: string };

const pendingKey = (viewer: ProfileViewer) => `profile-change:${viewer.session.uid}`;
const oldBinding = (viewer: ProfileViewer, f: FactorRecord) => `profile-change-old:${viewer.session.uid}:${f.id}`;
const newBinding = (viewer: ProfileViewer, f: FactorRecord) => `profile-change-new:${viewer.session.uid}:${f.id}`;
const mask = (channel: Channel, d: string) => factorOf(channel).maskDestination!(d);
const field = (ctx: Context, name: string) => {
  const v = ((ctx.request.body ?? {}) as Record<string, unknown>)[name];
  return typeof v === 'string' ? v.trim().slice(0, 320) : '';
};
const back = (ctx: Context) => {
  ctx.status = 303;
  ctx.redirect('/account');
};

async function codeFactor(deps: InteractionDeps, viewer: ProfileViewer, id: string): Promise<(FactorRecord & { kind: Channel }) | undefined> {
  const f = await deps.factors.findById(viewer.account.id, id);
  return f && isDelivered(f.kind) && f.destination ? (f as FactorRecord & { kind: Channel }) : undefined;
}

async function load(deps: InteractionDeps, viewer: ProfileViewer, factorId: string): Promise<Pending | undefined> {
  const raw = await deps.store.get(pendingKey(viewer));
  const pending = raw ? (JSON.parse(raw) as Pending) : undefined;
  return pending?.factorId === factorId ? pending : undefined;
}
const save = (deps: InteractionDeps, viewer: ProfileViewer, p: Pending) => deps.store.set(pendingKey(viewer), JSON.stringify(p), 15 * 60);

function render(ctx: Context, deps: InteractionDeps, tr: Translator, factor: FactorRecord & { kind: Channel }, pending: Pending, form: Form = {}) {
  const base = `/account/factors/${factor.id}/change`;
  const heading = tr.t(`profile_more.change_${factor.kind}_title`);
  const seconds = deps.config.secondFactor.codeTtlSeconds;
  const page =
    pending.stage === 'old'
      ? { intro: tr.t('profile_more.change_old_intro', { destination: mask(factor.kind, factor.destination!), seconds }), action: `${base}/old`, resendAction: `${base}/resend` }
      : pending.stage === 'new'
        ? {
            intro: tr.t(`profile_more.change_new_intro_${factor.kind}`),
            action: `${base}/new`,
            ask: {
              label: tr.t(`profile_more.change_new_label_${factor.kind}`),
              type: factor.kind === 'email' ? 'email' : 'tel',
              hint: factor.kind === 'sms' ? tr.t('profile.add_sms_hint') : undefined,
              value: form.value,
            },
          }
        : { intro: tr.t('profile_more.change_code_intro', { destination: mask(factor.kind, pending.destination!), seconds }), action: `${base}/confirm`, resendAction: `${base}/resend` };
  renderPage(ctx, deps.views, tr, 'profile-code', { title: heading, heading, csrf: deps.csrf.token(ctx), ...page, ...form }, form.status ?? 200);
}

/** Start (or show again): a code to the current destination. */
export async function showChangeDestination(ctx: Context, deps: InteractionDeps, viewer: ProfileViewer, factorId: string): Promise<void> {
  const tr = translatorFor(ctx, deps.i18n);
  const factor = await codeFactor(deps, viewer, factorId);
  if (!factor) return back(ctx);
  const pending = (await load(deps, viewer, factorId)) ?? { factorId, stage: 'old' as const };
  await save(deps, viewer, pending);
  let problem: string | undefined;
  if (pending.stage === 'old') {
    const live = await deps.codes.expiresAt(oldBinding(viewer, factor));
    if (!live || live.getTime() <= deps.clock.now()) {
      problem = await sendCode(ctx, deps, tr, { binding: oldBinding(viewer, factor), accountId: viewer.account.id, channel: factor.kind, to: factor.destination! });
    }
  }
  render(ctx, deps, tr, factor, pending, problem ? { error: problem, status: 503 } : {});
}

export async function resendChangeCode(ctx: Context, deps: InteractionDeps, viewer: ProfileViewer, factorId: string): Promise<void> {
  const tr = translatorFor(ctx, deps.i18n);
  const factor = await codeFactor(deps, viewer, factorId);
  const pending = await load(deps, viewer, factorId);
  if (!factor || !pending || pending.stage === 'new') return showChangeDestination(ctx, deps, viewer, factorId);
  const to = pending.stage === 'old' ? factor.destination! : pending.destination!;
  const binding = pending.stage === 'old' ? oldBinding(viewer, factor) : newBinding(viewer, factor);
  const problem = await sendCode(ctx, deps, tr, { binding, accountId: viewer.account.id, channel: factor.kind, to });
  render(ctx, deps, tr, factor, pending, problem ? { error: problem, status: 429 } : { notice: tr.t('mfa.code_sent_again') });
}

/** The code from the current destination. */
export async function confirmOldDestination(ctx: Context, deps: InteractionDeps, viewer: ProfileViewer, factorId: string): Promise<void> {
  const tr = translatorFor(ctx, deps.i18n);
  const factor = await codeFactor(deps, viewer, factorId);
  const pending = await load(deps, viewer, factorId);
  if (!factor || pending?.stage !== 'old') return showChangeDestination(ctx, deps, viewer, factorId);
  // regulated: a locked account is refused before the code is looked at
  const problem = await checkCode(ctx, deps, tr, oldBinding(viewer, factor), viewer.account.id, field(ctx, 'code'));
  if (problem) return render(ctx, deps, tr, factor, pending, problem);
  const next: Pending = { factorId, stage: 'new' };
  await save(deps, viewer, next);
  render(ctx, deps, tr, factor, next, { notice: tr.t('profile_more.change_old_ok') });
}

/** The new address or number: checked, then a code sent there. */
export async function submitNewDestination(ctx: Context, deps: InteractionDeps, viewer: ProfileViewer, factorId: string): Promise<void> {
  const tr = translatorFor(ctx, deps.i18n);
  const factor = await codeFactor(deps, viewer, factorId);
  const pending = await load(deps, viewer, factorId);
  if (!factor || !pending || pending.stage === 'old') return showChangeDestination(ctx, deps, viewer, factorId);
  const value = field(ctx, 'destination');
  const parsed = parseDestination(deps, tr, factor.kind, value);
  const asked: Pending = { factorId, stage: 'new' };
  if (!parsed.ok) return render(ctx, deps, tr, factor, asked, { error: parsed.error, status: 400, value });
  if (parsed.destination.toLowerCase() === factor.destination!.toLowerCase()) return render(ctx, deps, tr, factor, asked, { error: tr.t('profile_more.change_same'), status: 400, value });
  const next: Pending = { factorId, stage: 'code', destination: parsed.destination };
  await save(deps, viewer, next);
  const problem = await sendCode(ctx, deps, tr, { binding: newBinding(viewer, factor), accountId: viewer.account.id, channel: factor.kind, to: parsed.destination });
  render(ctx, deps, tr, factor, next, problem ? { error: problem, status: 503 } : {});
}

/** The code from the new destination: the factor changes. */
export async function confirmNewDestination(ctx: Context, deps: InteractionDeps, viewer: ProfileViewer, factorId: string): Promise<void> {
  const tr = translatorFor(ctx, deps.i18n);
  const factor = await codeFactor(deps, viewer, factorId);
  const pending = await load(deps, viewer, factorId);
  if (!factor || pending?.stage !== 'code' || !pending.destination) return showChangeDestination(ctx, deps, viewer, factorId);
  const problem = await checkCode(ctx, deps, tr, newBinding(viewer, factor), viewer.account.id, field(ctx, 'code'));
  if (problem) return render(ctx, deps, tr, factor, pending, problem);
  await deps.factors.updateDestination(viewer.account.id, factor.id, pending.destination);
  await deps.store.del(pendingKey(viewer));
  await deps.audit.record({
    type: 'factor.updated',
    accountId: viewer.account.id,
    ip: ctx.ip,
    userAgent: ctx.get('user-agent'),
    details: { kind: factor.kind, factorId: factor.id, change: 'destination' },
  });
  await profileFlash(deps.store, viewer.session.uid).set(tr.t(`profile_more.changed_${factor.kind}`, { destination: pending.destination }));
  back(ctx);
}
