import { describe, expect, it } from 'vitest';
import { countAuditEvent } from '../../src/metrics/audit-metrics.js';
import { createMetrics } from '../../src/metrics/metrics.js';
import { isStorageFailure } from '../../src/metrics/storage-metrics.js';

const series = async (m: ReturnType<typeof createMetrics>, name: string) => (await m.registry.getSingleMetric(name)!.get()).values.filter((v) => v.value > 0).map((v) => ({ ...v.labels, n: v.value }));

describe('metrics from audit events', () => {
  it('names the method by amr, a remembered device and a step-up apart', async () => {
    const m = createMetrics();
    countAuditEvent(m, { type: 'signin.succeeded', details: { amr: ['pwd', 'otp', 'mfa'], stepUp: false } });
    countAuditEvent(m, { type: 'signin.succeeded', details: { amr: ['pwd'], rememberedDevice: 'd1' } });
    countAuditEvent(m, { type: 'signin.succeeded', details: { amr: ['pwd', 'hwk', 'mfa'], stepUp: true } });
    expect(await series(m, 'twofold_signins_total')).toEqual([
      { result: 'succeeded', method: 'pwd+otp', step: 'signin', n: 1 },
      { result: 'succeeded', method: 'remembered_device', step: 'signin', n: 1 },
      { result: 'succeeded', method: 'pwd+hwk', step: 'step_up', n: 1 },
    ]);
  });

  it('counts second-factor failures and lockouts apart, and keeps labels to a small set', async () => {
    const m = createMetrics();
    countAuditEvent(m, { type: 'signin.failed', details: { step: 'second_factor', method: 'totp', reason: 'wrong_code' } });
    countAuditEvent(m, { type: 'signin.failed', details: { step: 'second_factor', method: 'sms', reason: 'locked' } });
    countAuditEvent(m, { type: 'signin.failed', details: { step: 'password', reason: 'locked' } });
    countAuditEvent(m, { type: 'signin.failed', details: { step: 'password', reason: 'someone@example.com' } });
    countAuditEvent(m, { type: 'factor.enrolled', details: { kind: 'totp' } });
    expect(await series(m, 'twofold_factor_failures_total')).toEqual([{ method: 'totp', reason: 'wrong_code', n: 1 }]);
    expect(await series(m, 'twofold_lockouts_total')).toEqual([
      { step: 'password', n: 1 },
      { step: 'second_factor', n: 1 },
    ]);
    expect((await series(m, 'twofold_signins_total')).reduce((a, s) => a + s.n, 0)).toBe(4);
    expect(JSON.stringify(await series(m, 'twofold_signins_total'))).not.toContain('example.com');
  });
});

describe('storage failures', () => {
  it('are connection problems, not answers', () => {
    expect(isStorageFailure(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isStorageFailure(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isStorageFailure(Object.assign(new Error('terminating connection'), { code: '57P01' }))).toBe(true);
    expect(isStorageFailure(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe(false);
    expect(isStorageFailure(Object.assign(new Error('no such table'), { code: '42P01' }))).toBe(false);
  });
});
