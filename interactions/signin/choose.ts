// The method chooser: with several ways to confirm, the user picks one (the preferred one is
// selected). Reached first when there is more than one method, and from "Use another method".
import type { Context } from 'koa';
import type { InteractionDeps } from '../context.js';
import { clientName } from '../client-name.js';
import type { InteractionDetails } from '../load.js';
import { renderPage, translatorFor } from '../render.js';
import { methodLabel } from './second-factor.js';
import { deviceNotice } from './remembered-device.js';
import { signInStates } from './state.js';
import type { Method } from './step-types.js';

export async function showChooser(ctx: Context, deps: InteractionDeps, details: InteractionDetails, methods: Method[], preferredId: string | null): Promise<void> {
  const tr = translatorFor(ctx, deps.i18n, details.params['ui_locales'] as string | undefined);
  const selected = methods.find((m) => m.id === preferredId) ?? methods[0];
  renderPage(ctx, deps.views, tr, 'choose', {
    title: tr.t('mfa.choose_title'),
    uid: details.uid,
    csrf: deps.csrf.token(ctx),
    client: await clientName(deps, details.params['client_id']),
    methods: methods.map((m) => ({ id: m.id, label: methodLabel(tr, m), preferred: m.id === preferredId, selected: m === selected })),
    deviceNotice: deviceNotice(tr, (await signInStates(deps.store).load(details.uid))?.device, await clientName(deps, details.params['client_id'])),
  });
}

export async function submitChoice(ctx: Context, deps: InteractionDeps, details: InteractionDetails, methods: Method[]): Promise<void> {
  const body = (ctx.request.body ?? {}) as Record<string, unknown>;
  const states = signInStates(deps.store);
  const state = await states.load(details.uid);
  const chosen = methods.find((m) => m.id === body['method']);
  if (state && chosen) {
    state.method = chosen.id;
    await states.save(details.uid, state);
  }
  ctx.status = 303;
  ctx.redirect(`/interaction/${details.uid}`);
}
