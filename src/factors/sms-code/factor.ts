// Codes by text message as a Factor: sent to the factor's proven mobile number ("sms" in amr).
import { maskPhone } from '../../mail/mask.js';
import { codeByMessage } from '../one-time-code-factor.js';

export const smsCodeFactor = codeByMessage({
  kind: 'sms',
  delivery: 'sms',
  amr: ['sms'],
  maskDestination: maskPhone,
  nameKey: 'profile.kind_sms',
  methodKey: 'mfa.method_sms',
  catalogue: { kind: 'activity.kind_sms', enrol: 'policy.enrol_kind_sms' },
});
