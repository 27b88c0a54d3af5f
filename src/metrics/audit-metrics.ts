// Sign-ins, second-factor failures and lockouts, counted from the audit events every one of them
// already records (interactions/signin/): one place decides what happened, metrics only count it.
import type { AuditEvent, AuditLog } from '../storage/postgres/audit.js';
import type { Metrics } from './metrics.js';

const text = (v: unknown, fallback: string) => (typeof v === 'string' && /^[a-z_]{1,40}$/.test(v) ? v : fallback);

/** What proved the user, from the amr the sign-in ends with: "pwd", "pwd+otp", "pwd+hwk", or remembered_device. */
function methodOf(details: Record<string, unknown>): string {
  if (details['rememberedDevice']) return 'remembered_device';
  const amr = Array.isArray(details['amr']) ? details['amr'].filter((a): a is string => typeof a === 'string' && /^[a-z]{2,8}$/.test(a) && a !== 'mfa') : [];
  return amr.length ? amr.join('+') : 'unknown';
}

export function countAuditEvent(metrics: Metrics, event: AuditEvent): void {
  const details = event.details ?? {};
  if (event.type === 'signin.succeeded') {
    metrics.signins.inc({ result: 'succeeded', method: methodOf(details), step: details['stepUp'] ? 'step_up' : 'signin' });
  } else if (event.type === 'signin.failed') {
    const step = text(details['step'], 'unknown');
    const method = text(details['method'], step === 'password' || step === 'factor_reset' ? 'password' : 'unknown');
    const reason = text(details['reason'], 'unknown');
    metrics.signins.inc({ result: 'failed', method, step });
    if (reason === 'locked') metrics.lockouts.inc({ step });
    else if (step === 'second_factor') metrics.factorFailures.inc({ method, reason });
  }
}

/** The audit log, counting each event once it is recorded. */
export function withAuditMetrics(audit: AuditLog, metrics: Metrics): AuditLog {
  return {
    ...audit,
    async record(event) {
      await audit.record(event);
      countAuditEvent(metrics, event);
    },
  };
}
