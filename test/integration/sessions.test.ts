import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { eq } from 'drizzle-orm';
import { db } from '../../db/client.server';
import { sessions, users } from '../../db/schema';
import { createOrganisation } from '../../app/models/organisations.server';
import {
  createSession,
  generateToken,
  getUser,
  hashToken,
  invalidateUserSessions,
  validateSessionToken,
} from '../../app/utils/auth.server';
import { consumeRateLimit } from '../../app/utils/rate-limit.server';

const DAY = 24 * 60 * 60 * 1000;
let userId: number;

beforeAll(() => {
  const org = createOrganisation(null, { name: 'Session Polytechnic', kind: 'itp', description: '', website: '' });
  if (!org.ok) throw new Error('fixture');
  userId = db.insert(users).values({ email: 'session@example.nz', name: 'Sam Session', organisationId: org.id }).returning({ id: users.id }).get().id;
});

afterEach(() => {
  vi.useRealTimers();
});

describe('sessions', () => {
  it('stores only the SHA-256 of the token, never the token', () => {
    const token = generateToken();
    createSession(token, userId);
    const rows = db.select().from(sessions).where(eq(sessions.userId, userId)).all();
    expect(rows.some((r) => r.id === token)).toBe(false);
    expect(rows.some((r) => r.id === hashToken(token))).toBe(true);
  });

  it('finds the user from the cookie', () => {
    const token = generateToken();
    createSession(token, userId);
    const request = new Request('http://localhost:3000/', { headers: { Cookie: `other=1; __session=${token}` } });
    expect(getUser(request)?.email).toBe('session@example.nz');
  });

  it('ends a session after the idle period without use', () => {
    const start = Date.now();
    const token = generateToken();
    createSession(token, userId, '', start);
    expect(validateSessionToken(token, start + 13 * DAY)).not.toBeNull();
    // Used on day 13, so the idle window slid: still valid on day 20.
    expect(validateSessionToken(token, start + 20 * DAY)).not.toBeNull();
    const idle = generateToken();
    createSession(idle, userId, '', start);
    expect(validateSessionToken(idle, start + 15 * DAY)).toBeNull();
    expect(db.select().from(sessions).where(eq(sessions.id, hashToken(idle))).get()).toBeUndefined();
  });

  it('ends a session at the absolute lifetime however active it is', () => {
    const start = Date.now();
    const token = generateToken();
    createSession(token, userId, '', start);
    for (let day = 5; day < 30; day += 5) expect(validateSessionToken(token, start + day * DAY)).not.toBeNull();
    expect(validateSessionToken(token, start + 30 * DAY + 1)).toBeNull();
  });

  it('refuses the session of a deactivated person', () => {
    const token = generateToken();
    createSession(token, userId);
    db.update(users).set({ deactivatedAt: Date.now() }).where(eq(users.id, userId)).run();
    try {
      expect(validateSessionToken(token)).toBeNull();
    } finally {
      db.update(users).set({ deactivatedAt: null }).where(eq(users.id, userId)).run();
    }
  });

  it('ignores malformed cookies without touching the database', () => {
    const request = new Request('http://localhost:3000/', { headers: { Cookie: `__session=' or 1=1 --` } });
    expect(getUser(request)).toBeNull();
  });

  it('signs out every other session but keeps the current one', () => {
    const keep = generateToken();
    const other = generateToken();
    createSession(keep, userId);
    createSession(other, userId);
    invalidateUserSessions(userId, hashToken(keep));
    expect(validateSessionToken(keep)).not.toBeNull();
    expect(validateSessionToken(other)).toBeNull();
  });
});

describe('consumeRateLimit', () => {
  it('allows up to the limit in a window, then refuses with a retry time', () => {
    const now = 1_000_000;
    for (let i = 0; i < 3; i++) expect(consumeRateLimit('t:a', 3, 60_000, now + i).allowed).toBe(true);
    const refused = consumeRateLimit('t:a', 3, 60_000, now + 10);
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterSeconds).toBe(60);
  });

  it('starts a new window once the old one has passed', () => {
    const now = 5_000_000;
    for (let i = 0; i < 4; i++) consumeRateLimit('t:b', 3, 60_000, now);
    expect(consumeRateLimit('t:b', 3, 60_000, now + 60_001).allowed).toBe(true);
  });

  it('keeps separate counts per key', () => {
    const now = 9_000_000;
    for (let i = 0; i < 5; i++) consumeRateLimit('t:c', 3, 60_000, now);
    expect(consumeRateLimit('t:d', 3, 60_000, now).allowed).toBe(true);
  });
});
