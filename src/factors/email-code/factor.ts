// Codes by e-mail as a Factor: sent to the factor's confirmed address ("otp" in amr).
import { maskEmail } from '../../mail/mask.js';
import { codeByMessage } from '../one-time-code-factor.js';

export const emailCodeFactor = codeByMessage({
  kind: 'email',
  delivery: 'email',
  amr: ['otp'],
  maskDestination: maskEmail,
  nameKey: 'profile.kind_email',
  methodKey: 'mfa.method_email',
  catalogue: { kind: 'activity.kind_email', enrol: 'policy.enrol_kind_email' },
});
