// Turn the regulator's verdicts into what the page says: attempts left, or how long to wait.
import type { Verdict } from '../../src/regulation/regulator.js';
import type { Translator } from '../../src/i18n/i18n.js';

/** "Try again in 15 minutes." — relative, so no time zone is needed. */
export function lockedMessage(tr: Translator, retryAt: Date, now: number): string {
  const minutes = Math.max(1, Math.ceil((retryAt.getTime() - now) / 60_000));
  return tr.t('regulation.locked', { count: minutes });
}

/** A warning when few attempts are left before a pause, otherwise nothing. */
export function remainingMessage(tr: Translator, verdict: Verdict | undefined, warnBelow = 3): string | undefined {
  if (!verdict?.allowed || verdict.remaining === undefined || verdict.remaining > warnBelow) return undefined;
  return tr.t('regulation.remaining', { count: verdict.remaining });
}
