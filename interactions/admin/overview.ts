// The console's start page: what there is to do, and for whom (an org admin: their organisation).
import type { ConsoleRequest } from './page.js';
import { renderConsole } from './page.js';

export async function showOverview(c: ConsoleRequest): Promise<void> {
  const own = c.p.kind !== 'client' && c.p.role === 'org_admin' ? await c.deps.organisations.findById(c.p.organisationId) : undefined;
  renderConsole(c, 'admin-overview', c.tr.t('admin_console.title'), { organisation: own });
}
