// Every credential check, bracketed the same way (Authelia's Regulate-then-Mark): the counter is
// asked first and a locked subject is refused before any credential is looked at; then the
// attempt runs; a failure that counts is marked, a success resets the per-user counters (passing
// the check's verdict, so a subject with no counter costs no round trip). The page gets a typed
// answer: locked until when, or the attempt's own result with the verdict after it (attempts
// left, or the lock the failure just caused). Written once here, so no route can forget a half.
import type { Regulator, Subject, Verdict } from './regulator.js';

/** What an attempt says about itself: a success, or a failure that counts (a guess) or not (malformed input, an expired code). */
export type Attempt<P, F = P> = { ok: true; value: P } | { ok: false; value: F; counts?: boolean };

export type Regulated<P, F = P> =
  /** refused without running the attempt */
  | { status: 'locked'; retryAt: Date }
  | { status: 'passed'; value: P }
  /** `verdict` is the one after the failure was marked: `allowed: false` means this failure locked the subject */
  | { status: 'failed'; value: F; counted: boolean; verdict: Verdict };

export async function regulated<P, F = P>(regulator: Regulator, subject: Subject, attempt: () => Promise<Attempt<P, F>>): Promise<Regulated<P, F>> {
  const checked = await regulator.check(subject);
  if (!checked.allowed) return { status: 'locked', retryAt: checked.retryAt! };
  const outcome = await attempt();
  if (outcome.ok) {
    await regulator.succeed(subject, checked);
    return { status: 'passed', value: outcome.value };
  }
  const counted = outcome.counts !== false;
  const verdict = counted ? await regulator.fail(subject) : checked;
  return { status: 'failed', value: outcome.value, counted, verdict };
}
