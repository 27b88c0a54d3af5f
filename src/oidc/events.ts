// oidc-provider events that belong in the audit log or the server log.
import type Provider from 'oidc-provider';
import type { Logger } from '../log.js';
import type { AuditLog } from '../storage/postgres/audit.js';

export function subscribeToProviderEvents(provider: Provider, audit: AuditLog, log: Logger): void {
  const record = (event: Parameters<AuditLog['record']>[0]) => audit.record(event).catch((err: unknown) => log.error({ err, type: event.type }, 'audit write failed'));

  provider.on('end_session.success', (ctx) => {
    void record({ type: 'logout', accountId: ctx.oidc.session?.accountId, clientId: ctx.oidc.client?.clientId, ip: ctx.ip, userAgent: ctx.get('user-agent') });
  });

  // A rotated (consumed) refresh token or authorization code presented again: oidc-provider
  // revokes the whole grant. Revocation through the revocation endpoint emits the same event.
  provider.on('grant.revoked', (ctx, grantId) => {
    const reuse = ctx.oidc.route === 'token';
    void record({
      type: reuse ? 'token.reuse_detected' : 'grant.revoked',
      clientId: ctx.oidc.client?.clientId,
      ip: ctx.ip,
      details: { grantId, grantType: ctx.oidc.params?.['grant_type'] },
    });
    if (reuse) log.warn({ grantId, clientId: ctx.oidc.client?.clientId }, 'reused token: grant revoked');
  });

  provider.on('server_error', (_ctx, err) => log.error({ err }, 'oidc-provider server_error'));
}
