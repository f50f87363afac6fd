// One of several processes racing for seats (test/integration/rsvp-concurrency.test.ts).
// Usage: DATABASE_PATH=... node --import tsx test/support/rsvp-child.ts '{"workshopId":1,"userIds":[1,2,3]}'
// Opens the database, loads its members, prints "ready", waits for a line "go" on stdin so every process starts
// at once, then RSVPs "going" for each member in turn (yielding to the event loop between calls) and prints one
// line "result <json>": when it started and finished (wall clock) and every outcome. Errors are reported in the result, never thrown, so the parent sees them.
import readline from 'node:readline';
import { eq } from 'drizzle-orm';
import { db } from '../../db/client.server';
import { organisations, users } from '../../db/schema';
import { rsvp } from '../../app/models/rsvps.server';
import type { SessionUser } from '../../app/utils/auth.server';

export type ChildResult = { startedAt: number; finishedAt: number; outcomes: ChildOutcome[] };

export type ChildOutcome = {
  userId: number;
  ok: boolean;
  status?: string;
  waitlistPosition?: number;
  message?: string;
  error?: string;
};

const { workshopId, userIds } = JSON.parse(process.argv[2] ?? '{}') as { workshopId: number; userIds: number[] };
if (!workshopId || !Array.isArray(userIds)) {
  console.error('usage: rsvp-child.ts \'{"workshopId":1,"userIds":[1,2]}\'');
  process.exit(2);
}

const members: SessionUser[] = userIds.map((id) => {
  const row = db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      role: users.role,
      organisationId: users.organisationId,
      organisationName: organisations.name,
      organisationSlug: organisations.slug,
    })
    .from(users)
    .innerJoin(organisations, eq(organisations.id, users.organisationId))
    .where(eq(users.id, id))
    .get();
  if (!row) throw new Error(`No user ${id}`);
  return row;
});

const lines = readline.createInterface({ input: process.stdin });
const go = new Promise<void>((resolve) => {
  lines.on('line', (line) => {
    if (line.trim() === 'go') resolve();
  });
});
process.stdout.write('ready\n');
await go;
lines.close();

const startedAt = Date.now();
const outcomes: ChildOutcome[] = [];
for (const member of members) {
  try {
    const outcome = rsvp(member, workshopId, { response: 'going', needs: '' });
    outcomes.push(
      outcome.ok
        ? { userId: member.id, ok: true, status: outcome.status, waitlistPosition: outcome.waitlistPosition, message: outcome.message }
        : { userId: member.id, ok: false, message: outcome.message },
    );
  } catch (error) {
    outcomes.push({ userId: member.id, ok: false, error: String((error as Error)?.stack ?? error) });
  }
  await new Promise(setImmediate);
}
const result: ChildResult = { startedAt, finishedAt: Date.now(), outcomes };
process.stdout.write(`result ${JSON.stringify(result)}\n`);
db.$client.close();
