// Adding an e-mail or text-message code from the profile: the user gives the address or
// number, we send a code there, and only a correct code stores the factor — so codes only
// ever go to a confirmed destination. SMS is offered for the countries in SMS_COUNTRIES.
import type { Context } from 'koa';
import { parsePhoneNumber, smsAvailable } from '../../src/sms/phone.js';
import { maskEmail, maskPhone } from '../../src/mail/mask.js';
import type { InteractionDeps } from '../context.js';
import { deliverCode, type Channel } from '../deliver-code.js';
import type { Translator } from '../i18n.js';
import { renderPage, translatorFor } from '../render.js';
import type { ProfileViewer } from './auth.js';
import { afterEnrolment } from './enrolled.js';

interface Pending {
  channel: Channel;
  destination: string;
}

const pendingKey = (viewer: ProfileViewer, channel: Channel) => `profile-enrol-${channel}:${viewer.session.uid}`;
const binding = (viewer: ProfileViewer, channel: Channel) => `profile:${viewer.session.uid}:${channel}`;
const field = (ctx: Context, name: string) => {
  const v = ((ctx.request.body ?? {}) as Record<string, unknown>)[name];
  return typeof v === 'string' ? v.trim().slice(0, 320) : '';
};
const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export async function showAddDestination(ctx: Context, deps: InteractionDeps, viewer: ProfileViewer, channel: Channel, form: { value?: string; error?: string; status?: number } = {}): Promise<void> {
  const tr = translatorFor(ctx, deps.i18n);
  renderPage(
    ctx,
    deps.views,
    tr,
    'add-destination',
    {
      title: tr.t(`profile.add_${channel}_title`),
      heading: tr.t(`profile.add_${channel}_title`),
      intro: tr.t(`profile.add_${channel}_intro`),
      label: tr.t(`profile.add_${channel}_label`),
      hint: channel === 'sms' ? tr.t('profile.add_sms_hint') : undefined,
      type: channel === 'email' ? 'email' : 'tel',
      autocomplete: channel === 'email' ? 'email' : 'tel',
      value: form.value ?? (channel === 'email' ? viewer.account.email : ''),
      action: `/account/add/${channel}`,
      csrf: deps.csrf.token(ctx),
      error: form.error,
    },
    form.status ?? 200,
  );
}

async function showConfirm(ctx: Context, deps: InteractionDeps, tr: Translator, pending: Pending, form: { error?: string; notice?: string; status?: number } = {}) {
  const shown = pending.channel === 'email' ? maskEmail(pending.destination) : maskPhone(pending.destination);
  renderPage(
    ctx,
    deps.views,
    tr,
    'confirm-code',
    {
      title: tr.t(`profile.add_${pending.channel}_title`),
      intro: tr.t(`mfa.${pending.channel}_intro`, { destination: shown, seconds: deps.config.secondFactor.codeTtlSeconds }),
      action: `/account/add/${pending.channel}/confirm`,
      resendAction: `/account/add/${pending.channel}/resend`,
      help: pending.channel === 'email' ? { title: tr.t('mfa.email_help_title'), text: tr.t('mfa.email_help', { sender: deps.config.mail.fromAddress }) } : undefined,
      csrf: deps.csrf.token(ctx),
      ...form,
    },
    form.status ?? 200,
  );
}

async function send(ctx: Context, deps: InteractionDeps, tr: Translator, viewer: ProfileViewer, pending: Pending): Promise<string | undefined> {
  const sent = await deliverCode(deps, tr, { binding: binding(viewer, pending.channel), accountId: viewer.account.id, channel: pending.channel, to: pending.destination, ip: ctx.ip });
  if (sent.ok) return undefined;
  if (sent.reason === 'cooldown') return tr.t('mfa.resend_wait', { count: Math.max(1, Math.ceil((sent.retryAt!.getTime() - deps.clock.now()) / 1000)) });
  return tr.t(sent.reason === 'hourly_cap' ? 'mfa.hourly_cap' : 'mfa.delivery_failed');
}

/** The address or number was submitted: check it, send a code, ask for it. */
export async function submitDestination(ctx: Context, deps: InteractionDeps, viewer: ProfileViewer, channel: Channel): Promise<void> {
  const tr = translatorFor(ctx, deps.i18n);
  const value = field(ctx, 'destination');
  let destination: string;
  if (channel === 'email') {
    if (!emailPattern.test(value)) return showAddDestination(ctx, deps, viewer, channel, { value, error: tr.t('profile.add_email_invalid'), status: 400 });
    destination = value;
  } else {
    const phone = parsePhoneNumber(value);
    if (!phone.ok) return showAddDestination(ctx, deps, viewer, channel, { value, error: tr.t('profile.add_sms_invalid'), status: 400 });
    if (!smsAvailable(phone.country, deps.config)) {
      const country = phone.country ? (new Intl.DisplayNames([tr.lang], { type: 'region' }).of(phone.country) ?? phone.country) : '';
      return showAddDestination(ctx, deps, viewer, channel, { value, error: tr.t('profile.add_sms_unavailable', { country }), status: 400 });
    }
    destination = phone.e164;
  }
  const pending: Pending = { channel, destination };
  await deps.store.set(pendingKey(viewer, channel), JSON.stringify(pending), 15 * 60);
  const problem = await send(ctx, deps, tr, viewer, pending);
  return showConfirm(ctx, deps, tr, pending, problem ? { error: problem, status: 503 } : {});
}

export async function resendDestinationCode(ctx: Context, deps: InteractionDeps, viewer: ProfileViewer, channel: Channel): Promise<void> {
  const tr = translatorFor(ctx, deps.i18n);
  const raw = await deps.store.get(pendingKey(viewer, channel));
  if (!raw) return showAddDestination(ctx, deps, viewer, channel);
  const pending = JSON.parse(raw) as Pending;
  const problem = await send(ctx, deps, tr, viewer, pending);
  return showConfirm(ctx, deps, tr, pending, problem ? { error: problem, status: 429 } : { notice: tr.t('mfa.code_sent_again') });
}

export async function confirmDestination(ctx: Context, deps: InteractionDeps, viewer: ProfileViewer, channel: Channel): Promise<void> {
  const tr = translatorFor(ctx, deps.i18n);
  const raw = await deps.store.get(pendingKey(viewer, channel));
  if (!raw) return showAddDestination(ctx, deps, viewer, channel);
  const pending = JSON.parse(raw) as Pending;
  const result = await deps.codes.check(binding(viewer, channel), field(ctx, 'code'));
  if (!result.ok) {
    const reason = result.reason === 'wrong_code' ? 'wrong_code' : result.reason === 'expired' ? 'expired_code' : 'malformed_code';
    if (reason === 'wrong_code') await deps.regulator.fail({ kind: 'second_factor', accountId: viewer.account.id, ip: ctx.ip });
    return showConfirm(ctx, deps, tr, pending, { error: tr.t(`mfa.${reason}`), status: 400 });
  }
  await deps.store.del(pendingKey(viewer, channel));
  const factor = await deps.factors.save({ accountId: viewer.account.id, kind: channel, label: '', destination: pending.destination });
  const context = { ip: ctx.ip, userAgent: ctx.get('user-agent') };
  await deps.audit.record({ type: 'factor.enrolled', accountId: viewer.account.id, ...context, details: { kind: channel, factorId: factor.id } });
  return afterEnrolment(ctx, deps, viewer, tr, tr.t(`profile.added_${channel}`));
}
