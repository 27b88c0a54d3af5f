// The password step: e-mail + password against argon2id. Unknown address, wrong password and
// disabled account look the same to the user and take the same time; the audit log keeps
// the real reason.
import type { Context } from 'koa';
import type { InteractionDeps } from './context.js';
import { finishLogin } from './finish.js';
import type { InteractionDetails } from './load.js';
import { renderPage, translatorFor } from './render.js';

export async function clientName(deps: InteractionDeps, clientId: unknown): Promise<string | undefined> {
  if (typeof clientId !== 'string') return undefined;
  const client = await deps.provider().Client.find(clientId).catch(() => undefined);
  return client ? (client.clientName ?? client.clientId) : undefined;
}

export async function showLogin(
  ctx: Context,
  deps: InteractionDeps,
  details: InteractionDetails,
  form: { email?: string; error?: string; status?: number } = {},
): Promise<void> {
  const params = details.params as Record<string, string | undefined>;
  const tr = translatorFor(ctx, deps.i18n, params['ui_locales']);
  const client = await clientName(deps, params['client_id']);
  const reauth = Boolean(details.session?.accountId) && (details.prompt.reasons.includes('login_prompt') || details.prompt.reasons.includes('max_age'));
  // asked to confirm it is them: the signed-in account's address is already known
  const sessionEmail = reauth && !form.email ? (await deps.accounts.findById(details.session!.accountId))?.email : undefined;
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
      notice: reauth && client ? tr.t('login.reauth', { client }) : undefined,
      error: form.error,
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

  const tooLong = email.length > 254 || password.length > 1024;
  const account = tooLong ? undefined : await deps.accounts.findByEmail(email);
  // verify() always runs a full argon2id computation, with a dummy hash when there is no account
  const passwordOk = await deps.hasher.verify(account?.passwordHash, tooLong ? '' : password);
  const audit = { ip: ctx.ip, userAgent: ctx.get('user-agent'), clientId: String(details.params['client_id'] ?? '') };

  if (!account || !passwordOk || account.disabledAt) {
    const reason = !account ? 'unknown_email' : !account.passwordHash ? 'no_password_set' : !passwordOk ? 'wrong_password' : 'account_disabled';
    await deps.audit.record({ type: 'signin.failed', accountId: account?.id, ...audit, details: { reason, step: 'password' } });
    deps.log.info({ event: 'signin.failed', reason, accountId: account?.id }, 'sign-in failed');
    return showLogin(ctx, deps, details, { email, error: tr.t('login.invalid'), status: 401 });
  }

  await deps.audit.record({ type: 'signin.succeeded', accountId: account.id, ...audit, details: { amr: ['pwd'] } });
  return finishLogin(ctx, deps, { accountId: account.id, amr: ['pwd'] });
}
