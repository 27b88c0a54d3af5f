// Prometheus metrics (prom-client), one registry per process (not prom-client's global one, so
// tests that build several apps in one process do not collide). What is counted, and where:
//   sign-ins by result and method, second-factor failures, lockouts  ← the audit events (audit-metrics.ts)
//   e-mail and SMS sends and failures                                ← the mailer and the SMS sender (delivery-metrics.ts)
//   token endpoint latency                                           ← the HTTP app (src/http/metrics-route.ts)
//   Redis and Postgres errors                                        ← the stores (storage-metrics.ts)
// plus Node's process metrics. Labels are small fixed sets: never an account, client or address.
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'twofold_' });
  const signins = new Counter({
    name: 'twofold_signins_total',
    help: 'Sign-ins that finished or failed; method is what proved the user (password, a second factor kind, remembered_device), step where a failure happened',
    labelNames: ['result', 'method', 'step'] as const,
    registers: [registry],
  });
  const factorFailures = new Counter({
    name: 'twofold_factor_failures_total',
    help: 'Wrong or expired second-factor proofs in sign-ins, by method and reason',
    labelNames: ['method', 'reason'] as const,
    registers: [registry],
  });
  const lockouts = new Counter({
    name: 'twofold_lockouts_total',
    help: 'Sign-in attempts refused because the account or address is locked after too many failures, by step',
    labelNames: ['step'] as const,
    registers: [registry],
  });
  const deliveries = new Counter({
    name: 'twofold_deliveries_total',
    help: 'E-mail and SMS messages handed to the SMTP server, the SMS provider or the outbox (result sent) or not (failed), by category',
    labelNames: ['channel', 'category', 'result'] as const,
    registers: [registry],
  });
  const tokenDuration = new Histogram({
    name: 'twofold_token_request_duration_seconds',
    help: 'Time to answer a request to the token endpoint, by HTTP status',
    labelNames: ['status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const storageErrors = new Counter({
    name: 'twofold_storage_errors_total',
    help: 'Errors reaching Redis or PostgreSQL (connection lost or refused, timeouts), by store',
    labelNames: ['store'] as const,
    registers: [registry],
  });
  // every series starts at 0, so a rate or an alert does not wait for the first event
  for (const store of ['redis', 'postgres']) storageErrors.inc({ store }, 0);
  for (const step of ['password', 'second_factor']) lockouts.inc({ step }, 0);
  return {
    registry,
    signins,
    factorFailures,
    lockouts,
    deliveries,
    tokenDuration,
    storageErrors,
    contentType: registry.contentType,
    render: () => registry.metrics(),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
