// The password step: e-mail + password against argon2id. Unknown address, wrong password and
// disabled account look the same to the user and take the same time; the audit log keeps
// the real reason.
import type { Context } from 'koa';
import type { InteractionDeps } from '../context.js';
import type { InteractionDetails } from '../load.js';
import { clientName } from '../client-name.js';
import { localClientName } from '../../src/i18n/client-name.js';
import { renderPage, translatorFor } from '../render.js';
import { regulated, type Attempt } from '../../src/regulation/regulated.js';
import type { Account } from '../../src/storage/postgres/accounts.js';
import { lockedMessage, remainingMessage } from './regulate.js';
import { sessionEndedNotice } from './session-ended.js';
import { signInStates } from './state.js';
import { continueSignIn } from './steps.js';
import { applyDueFactorReset } from '../../src/recovery/actions.js';

export async function showLogin(
  ctx: Context,
  deps: InteractionDeps,
  details: InteractionDetails,
  form: { email?: string; error?: string; warning?: string | undefined; status?: number } = {},
): Promise<void> {
  const params = details.params as Record<string, string | undefined>;
  const tr = translatorFor(ctx, deps.i18n, params['ui_locales']);
  const client = await clientName(deps, params['client_id']);
  const reauth = Boolean(details.session?.accountId) && (details.prompt.reasons.includes('login_prompt') || details.prompt.reasons.includes('max_age'));
  // asked to confirm it is them: the signed-in account's address is already known
  const sessionEmail = reauth && !form.email ? (await deps.accounts.findById(details.session!.accountId))?.email : undefined;
  // a sign-in sent back to the start (too many wrong codes) says why
  const flash = form.error ? undefined : await signInStates(deps.store).takeNotice(details.uid);
  // the organisation's "sign in again with your new method" is news, not an error
  const news = flash?.startsWith('policy.') ? tr.t(flash) : undefined;
  renderPage(
    ctx,
    deps.views,
    tr,
    'login',
    {
      title: tr.t('login.title'),
      uid: details.uid,
      client,
      csrf: deps.csrf.token(ctx),
      email: form.email ?? sessionEmail ?? params['login_hint'] ?? '',
      notice: news ?? (await sessionEndedNotice(ctx, deps, details, tr)) ?? (reauth && client ? tr.t('login.reauth', { client: localClientName(tr, client) }) : undefined),
      error: form.error ?? (flash && !news ? tr.t(flash) : undefined),
      warning: form.warning,
    },
    form.status ?? 200,
  );
}

const field = (body: Record<string, unknown>, name: string): string => {
  const v = body[name];
  return typeof v === 'string' ? v : '';
};

export async function submitLogin(ctx: Context, deps: InteractionDeps, details: InteractionDetails): Promise<void> {
  const body = (ctx.request.body ?? {}) as Record<string, unknown>;
  const tr = translatorFor(ctx, deps.i18n, (details.params as Record<string, string>)['ui_locales']);
  const email = field(body, 'email').trim();
  const password = field(body, 'password');
  if (!email || !password) {
    return showLogin(ctx, deps, details, { email, error: tr.t('login.missing'), status: 400 });
  }

  const subject = { kind: 'password' as const, login: email.toLowerCase(), ip: ctx.ip };
  const audit = { ip: ctx.ip, userAgent: ctx.get('user-agent'), clientId: String(details.params['client_id'] ?? '') };
  const result = await regulated(deps.regulator, subject, async (): Promise<Attempt<{ account: Account }, { account: Account | undefined; reason: string }>> => {
    const tooLong = email.length > 254 || password.length > 1024;
    const account = tooLong ? undefined : await deps.accounts.findByEmail(email);
    // verify() always runs a full argon2id computation, with a dummy hash when there is no account
    const passwordOk = await deps.hasher.verify(account?.passwordHash, tooLong ? '' : password);
    if (account && passwordOk && !account.disabledAt) return { ok: true, value: { account } };
    const reason = !account ? 'unknown_email' : !account.passwordHash ? 'no_password_set' : !passwordOk ? 'wrong_password' : 'account_disabled';
    return { ok: false, value: { account, reason } };
  });
  if (result.status === 'locked') {
    await deps.audit.record({ type: 'signin.failed', ...audit, details: { reason: 'locked', step: 'password' } });
    return showLogin(ctx, deps, details, { email, error: lockedMessage(tr, result.retryAt, deps.clock.now()), status: 429 });
  }
  if (result.status === 'failed') {
    const { account, reason } = result.value;
    const after = result.verdict;
    await deps.audit.record({ type: 'signin.failed', accountId: account?.id, ...audit, details: { reason, step: 'password' } });
    deps.log.info({ event: 'signin.failed', reason, accountId: account?.id }, 'sign-in failed');
    if (!after.allowed) return showLogin(ctx, deps, details, { email, error: lockedMessage(tr, after.retryAt!, deps.clock.now()), status: 429 });
    return showLogin(ctx, deps, details, { email, error: tr.t('login.invalid'), warning: remainingMessage(tr, after), status: 401 });
  }

  const { account } = result.value;
  await applyDueFactorReset(deps, account.id, audit); // a scheduled 2FA reset whose cool-off has passed
  return continueSignIn(ctx, deps, details, { state: { accountId: account.id, amr: ['pwd'], stepUp: false, wrongCodes: 0 }, account });
}
