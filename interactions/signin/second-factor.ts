// The second-factor step of a sign-in: show the page for the chosen method and check what the
// user typed. Each check is bracketed by the regulator (per account and IP, across sign-ins)
// and counted against this sign-in's limit of wrong codes; at the limit the sign-in is
// abandoned and starts again with the password.
import type { Context } from 'koa';
import { withSecondFactor } from '../../src/factors/amr.js';
import { regulated, type Attempt } from '../../src/regulation/regulated.js';
import { jsonForScriptElement } from '../../src/factors/webauthn/webauthn-page-json.js';
import { factorOf } from '../../src/factors/registry.js';
import { parsePhoneNumber, smsAvailable } from '../../src/sms/phone.js';
import type { FactorRecord } from '../../src/storage/postgres/factors.js';
import { deliverCode } from '../deliver-code.js';
import type { InteractionDeps } from '../context.js';
import { clientName } from '../client-name.js';
import type { Translator } from '../../src/i18n/i18n.js';
import type { InteractionDetails } from '../load.js';
import { renderPage, translatorFor } from '../render.js';
import { lockedMessage } from './regulate.js';
import { afterSecondFactor, rememberedDevicePage } from './remembered-device.js';
import { signInStates } from './state.js';
import type { Method } from './step-types.js';
import { finishSignIn } from './steps.js';

import { checkMethod, codeBinding, type FactorStep } from './check-method.js';
import { codeLimits, recordRecoveryCodeUsed } from '../enrol/policy.js';

interface PageForm {
  error?: string | undefined;
  warning?: string | undefined;
  notice?: string | undefined;
  resendWait?: string | undefined;
  status?: number;
}

const masked = (f: FactorRecord) => factorOf(f.kind).maskDestination?.(f.destination ?? '') ?? '';

/**
 * Make sure a live code is on its way for an e-mail or SMS factor (the first time the page is
 * shown, or when the last one expired); returns the page's message when that failed.
 */
async function ensureCodeSent(ctx: Context, deps: InteractionDeps, details: InteractionDetails, step: FactorStep, tr: Translator, force = false): Promise<PageForm> {
  const factor = step.method.factor!;
  const binding = codeBinding(details, factor);
  const channel = factorOf(factor.kind).delivery!;
  if (channel === 'sms') {
    const phone = parsePhoneNumber(factor.destination ?? '');
    if (!phone.ok || !smsAvailable(phone.country, deps.config)) return { error: tr.t('mfa.sms_unavailable') };
  }
  const live = await deps.codes.expiresAt(binding);
  if (!force && live && live.getTime() > deps.clock.now()) return {};
  const sent = await deliverCode(deps, tr, {
    binding,
    accountId: step.account.id,
    channel,
    to: factor.destination ?? '',
    client: await clientName(deps, details.params['client_id']),
    ip: ctx.ip,
    ttlSeconds: codeLimits(deps, step.policy).codeTtlSeconds,
  });
  if (sent.ok) return force ? { notice: tr.t('mfa.code_sent_again') } : {};
  if (sent.reason === 'cooldown') {
    return { resendWait: tr.t('mfa.resend_wait', { count: Math.max(1, Math.ceil((sent.retryAt!.getTime() - deps.clock.now()) / 1000)) }) };
  }
  return { error: tr.t(sent.reason === 'hourly_cap' ? 'mfa.hourly_cap' : 'mfa.delivery_failed') };
}

/** The chooser's line for a method, as its Factor says it (a code factor's destination masked). */
export function methodLabel(tr: Translator, m: Method): string {
  return factorOf(m.kind).describe(tr, m.factor).method;
}

async function stepUpNotice(deps: InteractionDeps, details: InteractionDetails, tr: Translator, stepUp: boolean) {
  if (!stepUp) return undefined;
  const client = await clientName(deps, details.params['client_id']);
  return client ? tr.t('mfa.step_up', { client }) : undefined;
}

export async function showSecondFactor(ctx: Context, deps: InteractionDeps, details: InteractionDetails, step: FactorStep, form: PageForm = {}): Promise<void> {
  const tr = translatorFor(ctx, deps.i18n, details.params['ui_locales'] as string | undefined);
  const { method } = step;
  const factor = factorOf(method.kind);
  if (factor.proof === 'ceremony') return showSecurityKey(ctx, deps, details, step, tr, form);
  // the page's kind-specific texts (recovery code, code sent by message, authenticator app)
  const recovery = !factor.stored;
  const byMessage = factor.delivery !== undefined;
  const delivery = byMessage && form.status === undefined ? await ensureCodeSent(ctx, deps, details, step, tr) : {};
  const seconds = codeLimits(deps, step.policy).codeTtlSeconds;
  const intro = recovery
    ? tr.t('mfa.recovery_intro')
    : byMessage
      ? tr.t(`mfa.${method.kind}_intro`, { destination: masked(method.factor!), seconds })
      : tr.t('mfa.totp_intro', { product: tr.t('product') });
  renderPage(
    ctx,
    deps.views,
    tr,
    'factor',
    {
      title: tr.t('mfa.title'),
      uid: details.uid,
      csrf: deps.csrf.token(ctx),
      client: await clientName(deps, details.params['client_id']),
      stepUp: await stepUpNotice(deps, details, tr, step.state.stepUp),
      intro,
      codeLabel: recovery ? tr.t('mfa.recovery_label') : tr.t('mfa.code_label'),
      hint: method.kind === 'totp' ? tr.t('mfa.code_hint') : undefined,
      recovery,
      resend: byMessage,
      help: factor.delivery === 'email' ? { title: tr.t('mfa.email_help_title'), text: tr.t('mfa.email_help', { sender: deps.config.mail.fromAddress }) } : undefined,
      otherMethods: step.methods.length > 1,
      ...(await rememberedDevicePage(deps, tr, step, await clientName(deps, details.params['client_id']))),
      ...delivery,
      ...form,
    },
    form.status ?? (delivery.error ? 503 : 200),
  );
}

/** The security-key page: the browser is asked for an assertion by one of the account's keys. */
async function showSecurityKey(ctx: Context, deps: InteractionDeps, details: InteractionDetails, step: FactorStep, tr: Translator, form: PageForm): Promise<void> {
  const options = await deps.webauthn.authenticationOptions({ binding: details.uid, factors: step.method.keys ?? [] });
  // with "Remember this device" offered the user ticks it first, so the key waits for a click
  const device = await rememberedDevicePage(deps, tr, step, await clientName(deps, details.params['client_id']));
  renderPage(
    ctx,
    deps.views,
    tr,
    'webauthn',
    {
      title: tr.t('mfa.title'),
      heading: tr.t('mfa.heading'),
      intro: tr.t('mfa.webauthn_intro'),
      button: tr.t('mfa.webauthn_use'),
      mode: 'authenticate',
      // start by itself the first time; after an error, wait for the user
      autostart: form.error === undefined && !device.rememberLabel,
      optionsJson: jsonForScriptElement(options),
      action: `/interaction/${details.uid}/factor`,
      csrf: deps.csrf.token(ctx),
      stepUp: await stepUpNotice(deps, details, tr, step.state.stepUp),
      client: await clientName(deps, details.params['client_id']),
      otherMethods: step.methods.length > 1 ? `/interaction/${details.uid}/choose` : undefined,
      uid: details.uid,
      ...device,
      ...form,
    },
    form.status ?? 200,
  );
}

/** "Send a new code": subject to the cooldown and the hourly cap, never resets the wrong-code count. */
export async function resendCode(ctx: Context, deps: InteractionDeps, details: InteractionDetails, step: FactorStep): Promise<void> {
  const tr = translatorFor(ctx, deps.i18n, details.params['ui_locales'] as string | undefined);
  if (!factorOf(step.method.kind).delivery) return showSecondFactor(ctx, deps, details, step);
  const result = await ensureCodeSent(ctx, deps, details, step, tr, true);
  return showSecondFactor(ctx, deps, details, step, { ...result, status: result.error ? 503 : result.resendWait ? 429 : 200 });
}

export async function submitSecondFactor(ctx: Context, deps: InteractionDeps, details: InteractionDetails, step: FactorStep): Promise<void> {
  const tr = translatorFor(ctx, deps.i18n, details.params['ui_locales'] as string | undefined);
  const states = signInStates(deps.store);
  const { state, account, method } = step;
  const body = (ctx.request.body ?? {}) as Record<string, unknown>;
  // a code, or a security key's JSON assertion (the WebAuthn module bounds and checks it)
  const typed = factorOf(method.kind).proof === 'ceremony' ? (typeof body['response'] === 'string' ? body['response'] : '') : typeof body['code'] === 'string' ? body['code'].slice(0, 64) : '';
  const subject = { kind: 'second_factor' as const, accountId: account.id, ip: ctx.ip };
  const audit = { accountId: account.id, clientId: String(details.params['client_id'] ?? ''), ip: ctx.ip, userAgent: ctx.get('user-agent') };

  const regulatedCheck = await regulated(deps.regulator, subject, async (): Promise<Attempt<{ amr: readonly string[]; notice?: string | undefined }, { reason: string }>> => {
    const result = await checkMethod(deps, tr, details, step, typed);
    if (result.ok) return { ok: true, value: result };
    // malformed input and an expired code are not guesses: they do not count
    const counts = !result.reason.startsWith('malformed') && result.reason !== 'expired_code' && result.reason !== 'webauthn_expired';
    return { ok: false, value: { reason: result.reason }, counts };
  });
  if (regulatedCheck.status === 'locked') {
    await deps.audit.record({ type: 'signin.failed', ...audit, details: { step: 'second_factor', method: method.kind, reason: 'locked' } });
    return showSecondFactor(ctx, deps, details, step, { error: lockedMessage(tr, regulatedCheck.retryAt, deps.clock.now()), status: 429 });
  }

  if (regulatedCheck.status === 'passed') {
    const result = regulatedCheck.value;
    state.amr = withSecondFactor(state.amr, result.amr);
    await afterSecondFactor(ctx, deps, details, state);
    if (!factorOf(method.kind).stored) await recordRecoveryCodeUsed(deps, audit); // a recovery code
    // the second factor is the last step: finish at once, unless there is something to say first
    if (!result.notice) return finishSignIn(ctx, deps, details, state);
    // say how many recovery codes are left before going back to the app
    await states.save(details.uid, state);
    return renderPage(ctx, deps.views, tr, 'message-continue', {
      title: tr.t('mfa.title'),
      heading: tr.t('mfa.heading'),
      paragraphs: [result.notice],
      action: `/interaction/${details.uid}/continue`,
      csrf: deps.csrf.token(ctx),
    });
  }

  const { counted: counts, verdict: after } = regulatedCheck;
  const result = regulatedCheck.value;
  if (counts) state.wrongCodes += 1;
  await deps.audit.record({ type: 'signin.failed', ...audit, details: { step: 'second_factor', method: method.kind, reason: result.reason, wrongCodes: state.wrongCodes } });
  const { maxWrongCodes } = codeLimits(deps, step.policy);
  if (state.wrongCodes >= maxWrongCodes) {
    await deps.audit.record({ type: 'signin.abandoned', ...audit, details: { reason: 'too_many_wrong_codes', wrongCodes: state.wrongCodes } });
    await states.abandon(details.uid, 'mfa.too_many_codes');
    ctx.status = 303;
    return ctx.redirect(`/interaction/${details.uid}`);
  }
  await states.save(details.uid, state);
  if (!after.allowed) return showSecondFactor(ctx, deps, details, step, { error: lockedMessage(tr, after.retryAt!, deps.clock.now()), status: 429 });
  const left = Math.min(maxWrongCodes - state.wrongCodes, after.remaining ?? Infinity);
  return showSecondFactor(ctx, deps, details, step, {
    error: tr.t(`mfa.${result.reason}`),
    warning: counts ? tr.t('mfa.attempts_left', { count: left }) : undefined,
    status: 401,
  });
}
