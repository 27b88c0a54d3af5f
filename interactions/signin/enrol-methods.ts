// Enrolment inside a sign-in, for the methods other than the authenticator app (enrol.ts):
// which kinds the organisation allows and this installation can deliver (enrol/policy.ts), the
// chooser, codes by e-mail (to the account's confirmed address) or text message (to a number
// the user gives and proves), and security keys. The authenticator app is offered first when it
// is allowed; "Use another method" opens the chooser.
import type { Context, Middleware } from 'koa';
import type Router from '@koa/router';
import { factorOf } from '../../src/factors/registry.js';
import { jsonForScriptElement } from '../../src/factors/webauthn/webauthn-page-json.js';
import { maskEmail, maskPhone } from '../../src/mail/mask.js';
import type { PolicyFactorKind } from '../../src/organisations/policy.js';
import { clientName } from '../client-name.js';
import type { InteractionDeps } from '../context.js';
import { checkCode, parseDestination, sendCode } from '../enrol/code-factor.js';
import { registerSecurityKey } from '../enrol/webauthn.js';
import type { Translator } from '../../src/i18n/i18n.js';
import { loadInteraction, type InteractionDetails } from '../load.js';
import { renderMessage, renderPage, translatorFor } from '../render.js';
import { enrolled } from './enrol-finish.js';
import { enrolmentOffer, enrolmentReason, type EnrolmentOffer } from './enrol-offer.js';
import { showTotpEnrolment } from './enrol-totp.js';
import { enrolProgress } from './policy-step.js';
import type { EnrolStep, SignInPost } from './step-types.js';
import { nextStep } from './steps.js';

const codeBinding = (details: InteractionDetails, kind: 'email' | 'sms') => `enrol:${details.uid}:${kind}`;
const uiLocales = (details: InteractionDetails) => details.params['ui_locales'] as string | undefined;

type Form = { error?: string | undefined; notice?: string | undefined; status?: number };

export async function showOtherEnrolment(ctx: Context, deps: InteractionDeps, details: InteractionDetails, step: EnrolStep, offer: EnrolmentOffer, form: Form = {}): Promise<void> {
  const tr = translatorFor(ctx, deps.i18n, uiLocales(details));
  const client = await clientName(deps, details.params['client_id']);
  const cancel = client ? { href: `/interaction/${details.uid}/abort`, text: tr.t('login.cancel', { client }) } : undefined;
  const base = { csrf: deps.csrf.token(ctx), uid: details.uid, cancel, required: await enrolmentReason(deps, details, tr, offer) };
  if (offer.kinds.length === 0) {
    return renderMessage(ctx, deps.views, tr, { title: tr.t('enrol.title'), paragraphs: [base.required, tr.t('policy.enrol_none')], ...(cancel ? { link: cancel } : {}) }, 403);
  }
  const otherMethods = offer.kinds.length > 1;
  switch (offer.kind) {
    case undefined:
      return renderPage(ctx, deps.views, tr, 'enrol-choose', {
        title: tr.t('enrol.title'),
        ...base,
        kinds: offer.kinds.map((k, i) => ({ kind: k, label: tr.t(factorOf(k).catalogue.enrol!), checked: i === 0 })),
      });
    case 'webauthn': {
      const options = await deps.webauthn.registrationOptions({ binding: `enrol:${details.uid}`, account: step.account, existing: [] });
      return renderPage(
        ctx,
        deps.views,
        tr,
        'webauthn',
        {
          title: tr.t('enrol.title'),
          heading: tr.t('profile.add_webauthn_title'),
          notice: base.required,
          intro: tr.t('profile.add_webauthn_intro'),
          button: tr.t('profile.add_webauthn_button'),
          mode: 'register',
          autostart: false,
          optionsJson: jsonForScriptElement(options),
          action: `/interaction/${details.uid}/enrol/webauthn`,
          csrf: base.csrf,
          cancel,
          error: form.error,
          ...(otherMethods ? { otherMethods: `/interaction/${details.uid}/enrol/choose` } : {}),
        },
        form.status ?? 200,
      );
    }
    case 'email':
    case 'sms': {
      const kind = offer.kind;
      const destination = kind === 'email' ? step.account.email : offer.progress.destination;
      if (!destination) {
        return renderPage(
          ctx,
          deps.views,
          tr,
          'enrol-code',
          { title: tr.t('enrol.title'), heading: tr.t('profile.add_sms_title'), ...base, askNumber: true, intro: tr.t('profile.add_sms_intro'), otherMethods, ...form },
          form.status ?? 200,
        );
      }
      let problem: string | undefined;
      const live = await deps.codes.expiresAt(codeBinding(details, kind));
      if (form.status === undefined && (!live || live.getTime() <= deps.clock.now())) {
        problem = await sendCode(ctx, deps, tr, { binding: codeBinding(details, kind), accountId: step.account.id, channel: kind, to: destination, client });
      }
      const shown = kind === 'email' ? maskEmail(destination) : maskPhone(destination);
      return renderPage(
        ctx,
        deps.views,
        tr,
        'enrol-code',
        {
          title: tr.t('enrol.title'),
          heading: tr.t(kind === 'email' ? 'profile.add_email_title' : 'profile.add_sms_title'),
          ...base,
          intro: tr.t(`mfa.${kind}_intro`, { destination: shown, seconds: deps.config.secondFactor.codeTtlSeconds }),
          help: kind === 'email' ? { title: tr.t('mfa.email_help_title'), text: tr.t('mfa.email_help', { sender: deps.config.mail.fromAddress }) } : undefined,
          otherMethods,
          error: problem,
          ...form,
        },
        form.status ?? (problem ? 503 : 200),
      );
    }
    default:
      // the authenticator app
      return showTotpEnrolment(ctx, deps, details, step, offer, form);
  }
}

const field = (ctx: Context, name: string) => {
  const v = ((ctx.request.body ?? {}) as Record<string, unknown>)[name];
  return typeof v === 'string' ? v.trim().slice(0, 320) : '';
};

const again = (ctx: Context, details: InteractionDetails) => {
  ctx.status = 303;
  ctx.redirect(`/interaction/${details.uid}`);
};

export function registerEnrolRoutes(router: Router, deps: InteractionDeps, signInPost: SignInPost, formBody: Middleware): void {
  const enrolPost = (path: string, act: (ctx: Context, details: InteractionDetails, step: EnrolStep, offer: EnrolmentOffer, tr: Translator) => Promise<void>) =>
    router.post(path, formBody, (ctx) =>
      signInPost(ctx, 'enrol', async (details, step) => {
        if (step.step !== 'enrol') return again(ctx, details);
        return act(ctx, details, step, await enrolmentOffer(deps, details, step), translatorFor(ctx, deps.i18n, uiLocales(details)));
      }),
    );

  // the chooser (and "Use another method", which sends an empty kind)
  enrolPost('/enrol/choose', async (ctx, details, _step, offer) => {
    const wanted = field(ctx, 'kind') as PolicyFactorKind;
    await enrolProgress(deps.store, details.uid).save({ ...offer.progress, kind: offer.kinds.includes(wanted) ? wanted : undefined, choosing: true, destination: undefined });
    again(ctx, details);
  });

  // "Use another method" as a link (the security-key page has links, not forms)
  router.get('/enrol/choose', async (ctx) => {
    const details = await loadInteraction(ctx, deps);
    const step = details.prompt.name === 'login' ? await nextStep(deps, details) : undefined;
    if (step?.step === 'enrol') {
      const progress = enrolProgress(deps.store, details.uid);
      await progress.save({ ...(await progress.load()), kind: undefined, choosing: true, destination: undefined });
    }
    again(ctx, details);
  });

  // the mobile number for SMS codes
  enrolPost('/enrol/sms', async (ctx, details, step, offer, tr) => {
    if (offer.kind !== 'sms') return again(ctx, details);
    const parsed = parseDestination(deps, tr, 'sms', field(ctx, 'destination'));
    if (!parsed.ok) return showOtherEnrolment(ctx, deps, details, step, offer, { error: parsed.error, status: 400 });
    await enrolProgress(deps.store, details.uid).save({ ...offer.progress, destination: parsed.destination });
    again(ctx, details);
  });

  enrolPost('/enrol/code/resend', async (ctx, details, step, offer, tr) => {
    if (offer.kind !== 'email' && offer.kind !== 'sms') return again(ctx, details);
    const to = offer.kind === 'email' ? step.account.email : offer.progress.destination;
    if (!to) return again(ctx, details);
    const problem = await sendCode(ctx, deps, tr, {
      binding: codeBinding(details, offer.kind),
      accountId: step.account.id,
      channel: offer.kind,
      to,
      client: await clientName(deps, details.params['client_id']),
    });
    return showOtherEnrolment(ctx, deps, details, step, offer, problem ? { error: problem, status: 429 } : { notice: tr.t('mfa.code_sent_again'), status: 200 });
  });

  enrolPost('/enrol/code', async (ctx, details, step, offer, tr) => {
    if (offer.kind !== 'email' && offer.kind !== 'sms') return again(ctx, details);
    const kind = offer.kind;
    const destination = kind === 'email' ? step.account.email : offer.progress.destination;
    if (!destination) return again(ctx, details);
    // regulated (enrol/code-factor.ts): locked → refused before the code is looked at
    const problem = await checkCode(ctx, deps, tr, codeBinding(details, kind), step.account.id, field(ctx, 'code'));
    if (problem) return showOtherEnrolment(ctx, deps, details, step, offer, problem);
    const factor = await deps.factors.save({ accountId: step.account.id, kind, label: '', destination });
    await deps.audit.record({ type: 'factor.enrolled', accountId: step.account.id, ip: ctx.ip, userAgent: ctx.get('user-agent'), details: { kind, factorId: factor.id } });
    return enrolled(ctx, deps, details, step, factor, factorOf(kind).amr(factor));
  });

  enrolPost('/enrol/webauthn', async (ctx, details, step, offer, tr) => {
    if (offer.kind !== 'webauthn') return again(ctx, details);
    const body = (ctx.request.body ?? {}) as Record<string, unknown>;
    const result = await registerSecurityKey(deps, tr, step.account, `enrol:${details.uid}`, body, { ip: ctx.ip, userAgent: ctx.get('user-agent') });
    if (!result.ok) return showOtherEnrolment(ctx, deps, details, step, offer, { error: tr.t(`mfa.${result.reason}`), status: 400 });
    return enrolled(ctx, deps, details, step, result.factor, factorOf(result.factor.kind).amr(result.factor));
  });
}
