// Who must use a second factor, and when it must have been used (docs/decisions/011-second-factors.md). Pure, so the
// rules are tested without a database.

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

/** Admin actions need a second factor verified in the session within this long (else: step-up). */
export const STEP_UP_MAX_AGE_MS = 12 * HOUR;
/** Removing the last second factor or changing the password needs one verified within this long. */
const RECENT_SECOND_FACTOR_MS = 10 * 60 * 1000;

type AdminAccess = 'allow' | 'enrol' | 'step-up';

/**
 * What a coordinator's request to an admin page gets. A session with a second factor verified in the last twelve
 * hours goes ahead; a coordinator with a factor but an older (or no) verification is asked again; one without any
 * factor goes ahead only within the grace period after the role was given, and is otherwise sent to set one up.
 */
export function adminAccess(input: { hasSecondFactor: boolean; roleGivenAt: number; secondFactorAt: number | null; graceDays: number; now: number }): AdminAccess {
  const { hasSecondFactor, roleGivenAt, secondFactorAt, graceDays, now } = input;
  if (secondFactorAt !== null && now - secondFactorAt < STEP_UP_MAX_AGE_MS && secondFactorAt <= now) return 'allow';
  if (hasSecondFactor) return 'step-up';
  return now < graceEndsAt(roleGivenAt, graceDays) ? 'allow' : 'enrol';
}

export function graceEndsAt(roleGivenAt: number, graceDays: number): number {
  return roleGivenAt + graceDays * DAY;
}

/** Whether a sensitive change (last factor, password) may go ahead without asking for the second factor again. */
export function recentlyVerified(secondFactorAt: number | null, now: number): boolean {
  return secondFactorAt !== null && secondFactorAt <= now && now - secondFactorAt < RECENT_SECOND_FACTOR_MS;
}

/**
 * How a sign-in counts. A password, or an SSO sign-in whose provider did not assert MFA, is one factor; a passkey
 * with user verification is two on its own; an SSO sign-in whose provider asserted MFA (`amr` with "mfa", or two
 * methods such as "pwd" and "otp") counts as a second factor verified at sign-in.
 */
export function providerAssertedMfa(amr: readonly string[] | null | undefined): boolean {
  if (!amr?.length) return false;
  const methods = new Set(amr.map((m) => m.toLowerCase()));
  if (methods.has('mfa')) return true;
  const factors = ['pwd', 'pin', 'otp', 'sms', 'hwk', 'swk', 'fpt', 'face', 'iris', 'retina', 'vbm', 'pop', 'kba', 'tel', 'wia', 'user'];
  return factors.filter((m) => methods.has(m)).length >= 2;
}
