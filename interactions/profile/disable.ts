// Turning two-step verification off from the profile (where the organisation does not require
// it): the user proves a current method once more — a code from the authenticator app, an
// e-mail or SMS code sent on request, a recovery code, or a security key — and then every
// factor and every recovery code of the account is removed (twofactor.disabled).
import type { Context } from 'koa';
import { totpSecretContext } from '../../src/factors/totp/totp-secret.js';
import { jsonForScriptElement } from '../../src/factors/webauthn/webauthn-page-json.js';
import { isAppError } from '../../src/errors.js';
import { factorOf, isDelivered } from '../../src/factors/registry.js';
import { regulated, type Attempt } from '../../src/regulation/regulated.js';
import type { FactorRecord } from '../../src/storage/postgres/factors.js';
import type { InteractionDeps } from '../context.js';
import { sendCode, verifyCode } from '../enrol/code-factor.js';
import { accountPolicy } from '../enrol/policy.js';
import type { Translator } from '../../src/i18n/i18n.js';
import { renderMessage, renderPage, translatorFor } from '../render.js';
import { lockedMessage } from '../signin/regulate.js';
import type { ProfileViewer } from './auth.js';
import { profileFlash } from './flash.js';

type Form = { error?: string | undefined; notice?: string | undefined; status?: number };

const binding = (viewer: ProfileViewer) => `profile-off:${viewer.session.uid}`;
const sentKey = (viewer: ProfileViewer) => `profile-off-sent:${viewer.session.uid}`;
const masked = (f: FactorRecord) => factorOf(f.kind).maskDestination?.(f.destination ?? '') ?? '';
const isKey = (f: FactorRecord) => factorOf(f.kind).proof === 'ceremony';
const back = (ctx: Context) => {
  ctx.status = 303;
  ctx.redirect('/account');
};

/** undefined when 2FA may be turned off; else the page that says why not. */
async function refusal(ctx: Context, deps: InteractionDeps, viewer: ProfileViewer, tr: Translator): Promise<boolean> {
  const policy = await accountPolicy(deps, viewer.account); // an exempt account may turn it off
  if (policy.mode !== 'required') return false;
  renderMessage(ctx, deps.views, tr, { title: tr.t('profile_more.off_title'), paragraphs: [tr.t('profile_more.off_required')], link: { href: '/account', text: tr.t('profile.back') } }, 403);
  return true;
}

export async function showDisable(ctx: Context, deps: InteractionDeps, viewer: ProfileViewer, form: Form = {}): Promise<void> {
  const tr = translatorFor(ctx, deps.i18n);
  if (await refusal(ctx, deps, viewer, tr)) return;
  const factors = await deps.factors.findByAccount(viewer.account.id);
  if (factors.length === 0) return back(ctx);
  renderPage(
    ctx,
    deps.views,
    tr,
    'profile-disable',
    {
      title: tr.t('profile_more.off_title'),
      csrf: deps.csrf.token(ctx),
      codeFactors: factors.filter((f) => isDelivered(f.kind)).map((f) => ({ id: f.id, text: tr.t(`profile_more.off_send_${f.kind}`, { destination: masked(f) }) })),
      hasKey: factors.some(isKey),
      ...form,
    },
    form.status ?? 200,
  );
}

/** "Send me a code" for one of the account's e-mail or SMS factors. */
export async function sendDisableCode(ctx: Context, deps: InteractionDeps, viewer: ProfileViewer): Promise<void> {
  const tr = translatorFor(ctx, deps.i18n);
  const body = (ctx.request.body ?? {}) as Record<string, unknown>;
  const factor = await deps.factors.findById(viewer.account.id, typeof body['factor'] === 'string' ? body['factor'] : '');
  const channel = factor && factorOf(factor.kind).delivery;
  if (!factor || !channel) return showDisable(ctx, deps, viewer);
  const problem = await sendCode(ctx, deps, tr, { binding: binding(viewer), accountId: viewer.account.id, channel, to: factor.destination ?? '' });
  if (problem) return showDisable(ctx, deps, viewer, { error: problem, status: 429 });
  await deps.store.set(sentKey(viewer), factor.id, 15 * 60);
  return showDisable(ctx, deps, viewer, { notice: tr.t('profile_more.off_sent', { destination: masked(factor) }) });
}

/** Whether the typed code proves one of the account's methods; a miss counts as a guess unless a sent code was only malformed or expired. */
async function proves(deps: InteractionDeps, viewer: ProfileViewer, factors: FactorRecord[], typed: string): Promise<Attempt<undefined>> {
  const accountId = viewer.account.id;
  const recovery = deps.hashRecoveryCode(accountId, typed);
  if (recovery && (await deps.recoveryCodes.consume(accountId, recovery)) !== undefined) return { ok: true, value: undefined };
  for (const f of factors.filter((x) => x.kind === 'totp' && x.secretSealed)) {
    const result = await deps.totp.check(deps.box.open(f.secretSealed!, totpSecretContext(f.id)), typed, f.lastStep ?? undefined);
    if (result.ok && (await deps.factors.advanceStep(f.id, result.step))) return { ok: true, value: undefined };
  }
  if (await deps.store.get(sentKey(viewer))) {
    const reason = await verifyCode(deps, binding(viewer), typed);
    return reason ? { ok: false, value: undefined, counts: reason === 'wrong_code' } : { ok: true, value: undefined };
  }
  return { ok: false, value: undefined };
}

export async function submitDisable(ctx: Context, deps: InteractionDeps, viewer: ProfileViewer): Promise<void> {
  const tr = translatorFor(ctx, deps.i18n);
  if (await refusal(ctx, deps, viewer, tr)) return;
  const factors = await deps.factors.findByAccount(viewer.account.id);
  if (factors.length === 0) return back(ctx);
  const body = (ctx.request.body ?? {}) as Record<string, unknown>;
  const typed = typeof body['code'] === 'string' ? body['code'].trim().slice(0, 64) : '';
  const subject = { kind: 'second_factor' as const, accountId: viewer.account.id, ip: ctx.ip };
  // an empty form proves nothing and guesses nothing
  const result = await regulated(deps.regulator, subject, async () => (typed ? proves(deps, viewer, factors, typed) : { ok: false, value: undefined, counts: false }));
  if (result.status === 'locked') return showDisable(ctx, deps, viewer, { error: lockedMessage(tr, result.retryAt, deps.clock.now()), status: 429 });
  if (result.status === 'failed') return showDisable(ctx, deps, viewer, { error: tr.t('profile_more.off_wrong'), status: 400 });
  return turnOff(ctx, deps, viewer, factors, 'code');
}

/** The security-key ceremony, as the proof instead of a code. */
export async function showDisableKey(ctx: Context, deps: InteractionDeps, viewer: ProfileViewer, form: Form = {}): Promise<void> {
  const tr = translatorFor(ctx, deps.i18n);
  if (await refusal(ctx, deps, viewer, tr)) return;
  const keys = (await deps.factors.findByAccount(viewer.account.id)).filter(isKey);
  if (keys.length === 0) return back(ctx);
  const options = await deps.webauthn.authenticationOptions({ binding: binding(viewer), factors: keys });
  renderPage(
    ctx,
    deps.views,
    tr,
    'webauthn',
    {
      title: tr.t('profile_more.off_title'),
      heading: tr.t('profile_more.off_title'),
      intro: tr.t('mfa.webauthn_intro'),
      button: tr.t('mfa.webauthn_use'),
      mode: 'authenticate',
      autostart: false,
      optionsJson: jsonForScriptElement(options),
      action: '/account/two-step/off/key',
      csrf: deps.csrf.token(ctx),
      cancel: { href: '/account', text: tr.t('profile.back') },
      error: form.error,
    },
    form.status ?? 200,
  );
}

export async function submitDisableKey(ctx: Context, deps: InteractionDeps, viewer: ProfileViewer): Promise<void> {
  const tr = translatorFor(ctx, deps.i18n);
  if (await refusal(ctx, deps, viewer, tr)) return;
  const factors = await deps.factors.findByAccount(viewer.account.id);
  const keys = factors.filter(isKey);
  const body = (ctx.request.body ?? {}) as Record<string, unknown>;
  let ok = false;
  let reason: 'webauthn_failed' | 'webauthn_expired' = 'webauthn_failed';
  try {
    const verified = await deps.webauthn.verifyAuthentication({ binding: binding(viewer), response: typeof body['response'] === 'string' ? body['response'] : '', factors: keys });
    // the counter only moves forward (a clone is refused, as at sign-in)
    ok = await deps.factors.advanceSignCount(verified.factor.id, verified.newSignCount, verified.backedUp);
  } catch (err) {
    if (!isAppError(err) || !['webauthn_failed', 'webauthn_expired', 'webauthn_clone'].includes(err.code)) throw err;
    if (err.code === 'webauthn_expired') reason = 'webauthn_expired';
  }
  if (!ok) return showDisableKey(ctx, deps, viewer, { error: tr.t(`mfa.${reason}`), status: 400 });
  return turnOff(ctx, deps, viewer, factors, 'webauthn');
}

async function turnOff(ctx: Context, deps: InteractionDeps, viewer: ProfileViewer, factors: FactorRecord[], provenWith: string): Promise<void> {
  const tr = translatorFor(ctx, deps.i18n);
  const accountId = viewer.account.id;
  for (const f of factors) await deps.factors.delete(accountId, f.id);
  await deps.recoveryCodes.deleteAll(accountId);
  await deps.accounts.savePreferredFactor(accountId, null);
  await deps.store.del(sentKey(viewer));
  await deps.audit.record({ type: 'twofactor.disabled', accountId, ip: ctx.ip, userAgent: ctx.get('user-agent'), details: { reason: 'turned_off', provenWith, removed: factors.length } });
  await profileFlash(deps.store, viewer.session.uid).set(tr.t('profile_more.off_done'));
  back(ctx);
}
