// What every console page shares: the principal, the translator, the CSRF token, the navigation,
// errors from the shared operations as pages (404: not found, 403: needs the admin role) and
// form errors as messages next to the form.
import type { Context } from 'koa';
import type { AdminPrincipal } from '../../src/admin/auth.js';
import { ApiError } from '../../src/admin/errors.js';
import { isAppError } from '../../src/errors.js';
import type { InteractionDeps } from '../context.js';
import type { Translator } from '../../src/i18n/i18n.js';
import { renderMessage, renderPage, translatorFor } from '../render.js';

export interface ConsoleRequest {
  ctx: Context;
  deps: InteractionDeps;
  p: AdminPrincipal;
  tr: Translator;
}

export const consoleRequest = (ctx: Context, deps: InteractionDeps, p: AdminPrincipal): ConsoleRequest => ({ ctx, deps, p, tr: translatorFor(ctx, deps.i18n) });

export const meta = (ctx: Context) => ({ ip: ctx.ip, userAgent: ctx.get('user-agent') });

/** A console page inside the layout, with the navigation (clients only for an admin). */
export function renderConsole(c: ConsoleRequest, template: string, title: string, data: Record<string, unknown> = {}, status = 200): void {
  const { ctx, deps, p, tr } = c;
  ctx.set('cache-control', 'no-store');
  renderPage(ctx, deps.views, tr, template, { title, wide: true, csrf: deps.csrf.token(ctx), isAdmin: p.role === 'admin', done: doneNotice(c), ...data }, status);
}

/** The notice after an action (POST, then a redirect with ?done=…): a catalogue text. */
function doneNotice(c: ConsoleRequest): string | undefined {
  const done = c.ctx.query['done'];
  const known = [
    'created',
    'created_undelivered',
    'created_organisation',
    'saved',
    'deleted',
    'disabled',
    'enabled',
    'unlocked',
    'signed_out',
    'reset',
    'confirmation_sent',
    'confirmation_already_confirmed',
    'confirmation_rate_limited',
    'confirmation_delivery_failed',
    'roles_saved',
    'policy_saved',
    'devices_forgotten',
    'two_factor_disabled',
    'exemption_ended',
    'not_exempt',
  ];
  return typeof done === 'string' && known.includes(done) ? c.tr.t(`admin_console.done_${done}`) : undefined;
}

/** After a POST: back to a page with a notice (303, so a reload does not repeat the action). */
export function redirectDone(ctx: Context, path: string, done: string): void {
  ctx.status = 303;
  ctx.redirect(`${path}${path.includes('?') ? '&' : '?'}done=${done}`);
}

/** The form's fields as strings (koa's form parser gives arrays for repeated names). */
export function formOf(ctx: Context): Record<string, string | string[] | undefined> {
  return (ctx.request.body ?? {}) as Record<string, string | string[] | undefined>;
}
export const field = (form: Record<string, string | string[] | undefined>, name: string): string => {
  const v = form[name];
  return (Array.isArray(v) ? v[0] : v) ?? '';
};
export const fields = (form: Record<string, string | string[] | undefined>, name: string): string[] => {
  const v = form[name];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
};
export const lines = (text: string): string[] =>
  text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);

/**
 * What a form shows of an error from a shared operation: bad input (400) and conflicts (409),
 * including our own rules' AppErrors (draftClient: redirect URIs); anything else goes on up
 * (404 and 403 become pages in consoleErrors).
 */
export function formError(caught: unknown): ApiError {
  if (caught instanceof ApiError && caught.status !== 404 && caught.status !== 403) return caught;
  if (isAppError(caught) && caught.expose && (caught.status === 400 || caught.status === 409)) return new ApiError(caught.status, caught.code, caught.message, {}, caught.fields);
  throw caught;
}

/** An ApiError from a shared operation as messages for the form: what went wrong per field. */
export function formErrors(tr: Translator, err: ApiError): string[] {
  if (err.status === 409) return [tr.t('admin_console.error_conflict', { detail: err.message })];
  // a field's label from the catalogue (policy.mode → field_mode, redirect_uris.0 → field_redirect_uris)
  const key = (name: string) =>
    name
      .split('.')
      .filter((part) => !/^\d+$/.test(part))
      .pop()
      ?.replace(/[^a-z_]/g, '') || 'body';
  // what to do, in the reader's language, then the rule that failed (it may name the bad value)
  const line = (name: string, messages: string[]) => {
    const hint = tr.t(`admin_console.hint_${key(name)}`, { defaultValue: '' });
    return `${tr.t(`admin_console.field_${key(name)}`, { defaultValue: name })}: ${hint ? `${hint} (${messages.join('; ')})` : messages.join('; ')}`;
  };
  const details = err.fields ? Object.entries(err.fields).map(([name, messages]) => line(name, messages)) : [err.message];
  return [tr.t('admin_console.error_invalid'), ...details];
}

/** Errors from the shared operations as pages: 404 not found, 403 needs the admin role, others (a bad paging link, say) a 400 that says what to do. */
export async function consoleErrors(ctx: Context, deps: InteractionDeps, next: () => Promise<unknown>): Promise<void> {
  try {
    await next();
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    const tr = translatorFor(ctx, deps.i18n);
    const page =
      err.status === 404
        ? { status: 404, title: tr.t('admin_console.not_found_title'), paragraphs: [tr.t('admin_console.not_found')] }
        : err.status === 403
          ? { status: 403, title: tr.t('admin_console.forbidden_title'), paragraphs: [tr.t('admin_console.forbidden_admin_only')] }
          : { status: 400, title: tr.t('admin_console.bad_request_title'), paragraphs: [tr.t('admin_console.bad_request', { detail: err.message })] };
    renderMessage(ctx, deps.views, tr, { title: page.title, paragraphs: page.paragraphs, link: { href: '/admin', text: tr.t('admin_console.back_to_overview') } }, page.status);
  }
}

/** How a console page module adds its routes (router.ts wraps each: signed in, CSRF on forms). */
export type ConsoleHandler = (c: ConsoleRequest) => Promise<void>;

export interface ConsoleRoutes {
  get(path: string, handler: ConsoleHandler): void;
  post(path: string, handler: ConsoleHandler): void;
}
