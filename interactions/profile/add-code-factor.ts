// Adding an e-mail or text-message code from the profile: the user gives the address or
// number, we send a code there, and only a correct code stores the factor — so codes only
// ever go to a confirmed destination. SMS is offered for the countries in SMS_COUNTRIES.
import type { Context } from 'koa';
import { maskEmail, maskPhone } from '../../src/mail/mask.js';
import type { InteractionDeps } from '../context.js';
import type { Channel } from '../deliver-code.js';
import { checkCode, parseDestination, sendCode } from '../enrol/code-factor.js';
import type { Translator } from '../../src/i18n/i18n.js';
import { renderPage, translatorFor } from '../render.js';
import type { ProfileViewer } from './auth.js';
import { afterEnrolment } from './enrolled.js';
import { replacesNotice } from './policy.js';

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
      intro: [tr.t(`profile.add_${channel}_intro`), await replacesNotice(deps, viewer, tr, channel)].filter(Boolean).join(' '),
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

const send = (ctx: Context, deps: InteractionDeps, tr: Translator, viewer: ProfileViewer, pending: Pending) =>
  sendCode(ctx, deps, tr, { binding: binding(viewer, pending.channel), accountId: viewer.account.id, channel: pending.channel, to: pending.destination });

/** The address or number was submitted: check it, send a code, ask for it. */
export async function submitDestination(ctx: Context, deps: InteractionDeps, viewer: ProfileViewer, channel: Channel): Promise<void> {
  const tr = translatorFor(ctx, deps.i18n);
  const value = field(ctx, 'destination');
  const parsed = parseDestination(deps, tr, channel, value);
  if (!parsed.ok) return showAddDestination(ctx, deps, viewer, channel, { value, error: parsed.error, status: 400 });
  const destination = parsed.destination;
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
  // regulated: a locked account is refused before the code is looked at
  const problem = await checkCode(ctx, deps, tr, binding(viewer, channel), viewer.account.id, field(ctx, 'code'));
  if (problem) return showConfirm(ctx, deps, tr, pending, problem);
  await deps.store.del(pendingKey(viewer, channel));
  const factor = await deps.factors.save({ accountId: viewer.account.id, kind: channel, label: '', destination: pending.destination });
  const context = { ip: ctx.ip, userAgent: ctx.get('user-agent') };
  await deps.audit.record({ type: 'factor.enrolled', accountId: viewer.account.id, ...context, details: { kind: channel, factorId: factor.id } });
  return afterEnrolment(ctx, deps, viewer, tr, tr.t(`profile.added_${channel}`), factor);
}
