import { describe, expect, it } from 'vitest';
import { adminAccess, graceEndsAt, providerAssertedMfa, recentlyVerified, STEP_UP_MAX_AGE_MS } from '~/models/second-factors/policy';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const now = Date.UTC(2026, 11, 8, 1, 0, 0);

describe('who may use admin pages', () => {
  const base = { hasSecondFactor: false, roleGivenAt: now - DAY, secondFactorAt: null, graceDays: 7, now };

  it('lets a coordinator without a second factor in during the grace period, counted from the role being given', () => {
    expect(adminAccess(base)).toBe('allow');
    expect(adminAccess({ ...base, roleGivenAt: now - 7 * DAY + 1 })).toBe('allow');
    expect(adminAccess({ ...base, roleGivenAt: now - 7 * DAY })).toBe('enrol');
    expect(graceEndsAt(now, 7)).toBe(now + 7 * DAY);
  });

  it('sends them to enrol at once when the grace period is zero', () => {
    expect(adminAccess({ ...base, graceDays: 0, roleGivenAt: now })).toBe('enrol');
  });

  it('asks for a step-up when the session’s second factor is older than twelve hours, or never was', () => {
    const withFactor = { ...base, hasSecondFactor: true };
    expect(adminAccess({ ...withFactor, secondFactorAt: now - STEP_UP_MAX_AGE_MS + 1 })).toBe('allow');
    expect(adminAccess({ ...withFactor, secondFactorAt: now - STEP_UP_MAX_AGE_MS })).toBe('step-up');
    // A factor means no grace: signing in with the password alone is never enough.
    expect(adminAccess({ ...withFactor, roleGivenAt: now })).toBe('step-up');
  });

  it('does not trust a second-factor time in the future', () => {
    expect(adminAccess({ ...base, hasSecondFactor: true, secondFactorAt: now + HOUR })).toBe('step-up');
  });
});

describe('sensitive changes', () => {
  it('need the second factor confirmed in the last ten minutes', () => {
    expect(recentlyVerified(now - 9 * 60_000, now)).toBe(true);
    expect(recentlyVerified(now - 10 * 60_000, now)).toBe(false);
    expect(recentlyVerified(null, now)).toBe(false);
  });
});

describe('SSO sign-ins', () => {
  it('count as a second factor only when the provider asserts MFA', () => {
    expect(providerAssertedMfa(['mfa'])).toBe(true);
    expect(providerAssertedMfa(['pwd', 'otp'])).toBe(true);
    expect(providerAssertedMfa(['pwd'])).toBe(false);
    expect(providerAssertedMfa([])).toBe(false);
    expect(providerAssertedMfa(undefined)).toBe(false);
  });
});
