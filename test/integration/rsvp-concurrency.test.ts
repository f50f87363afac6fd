// The hard requirement: 100+ RSVPs fired at once at a 20-seat workshop from several processes, each with its
// own connection to the same SQLite file. Exactly 20 get a seat, everyone else is waitlisted in arrival order, the
// position each member was told is the one they hold, nobody gets an error, and each gets exactly one email.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { and, asc, eq, like } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../db/client.server';
import { outbox, rsvps, users } from '../../db/schema';
import { createOrganisation } from '~/models/organisations.server';
import { getMyRsvp } from '~/models/rsvps.server';
import { createWorkshop, seatSummary } from '~/models/workshops.server';
import type { SessionUser } from '~/utils/auth.server';
import { parseDateTimeLocal } from '~/utils/time';
import type { ChildOutcome, ChildResult } from '../support/rsvp-child';

const PROCESSES = 5;
const MEMBERS = 105;
const SEATS = 20;
const TITLE = 'Engineering micro-credential pilots: approaches and early results';

type Child = { pid: number; ready: Promise<void>; go(): void; done: Promise<{ code: number | null; result: ChildResult | null; stderr: string }> };

/** Starts one racing process; it prints "ready" once its members are loaded and waits for "go" on stdin. */
function startChild(workshopId: number, userIds: number[]): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', path.resolve('test/support/rsvp-child.ts'), JSON.stringify({ workshopId, userIds })], {
    cwd: process.cwd(),
    env: { ...process.env }, // DATABASE_PATH, DATA_DIR, APP_URL ... of this test file's database
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let markReady: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    if (/^ready$/m.test(stdout)) markReady();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const done = new Promise<{ code: number | null; result: ChildResult | null; stderr: string }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const line = stdout.split('\n').find((l) => l.startsWith('result '));
      resolve({ code, result: line ? (JSON.parse(line.slice('result '.length)) as ChildResult) : null, stderr });
    });
  });
  // A child that dies before "ready" must not leave the test waiting for it.
  void done.then(() => markReady());
  return { pid: child.pid!, ready, go: () => child.stdin.end('go\n'), done };
}

let workshopId: number;
let memberIds: number[];
let outcomes: ChildOutcome[];
let exits: { code: number | null; stderr: string }[];
let windows: { startedAt: number; finishedAt: number }[];

beforeAll(async () => {
  const orgIds = ['Otago Polytechnic', 'BCITO', 'MITO', 'Primary ITO', 'Te Pūkenga'].map((name) => {
    const created = createOrganisation(null, { name, kind: 'itp', description: '', website: '' });
    if (!created.ok) throw new Error(JSON.stringify(created.errors));
    return created.id;
  });
  const coordinatorId = db
    .insert(users)
    .values({ email: 'coordinator@race.example', name: 'Race Coordinator', organisationId: orgIds[0], role: 'coordinator' })
    .returning({ id: users.id })
    .get().id;
  const coordinator: SessionUser = { id: coordinatorId, email: 'coordinator@race.example', name: 'Race Coordinator', role: 'coordinator', organisationId: orgIds[0], organisationName: 'Otago Polytechnic', organisationSlug: 'otago-polytechnic' };
  const at = (local: string) => {
    const parsed = parseDateTimeLocal(local);
    if (!parsed.ok) throw new Error(parsed.error);
    return parsed.date.getTime();
  };
  workshopId = createWorkshop(
    coordinator,
    {
      title: TITLE,
      summary: 'Five TEC-funded pilots report back.',
      agendaMd: '',
      startsAt: at('2031-09-18T09:30'),
      endsAt: at('2031-09-18T15:00'),
      mode: 'in_person',
      venue: 'Wellington',
      onlineUrl: '',
      capacity: SEATS,
      orgSeatCap: null,
      rsvpDeadline: null,
      audience: 'all',
      organisationIds: [],
    },
    { publish: true },
  ).id;
  memberIds = Array.from({ length: MEMBERS }, (_, i) =>
    db
      .insert(users)
      .values({ email: `racer${i + 1}@race.example`, name: `Racer ${i + 1}`, organisationId: orgIds[i % orgIds.length], role: 'member' })
      .returning({ id: users.id })
      .get().id,
  );

  // Deal the members out round-robin so every process holds members from across the list.
  const shares = Array.from({ length: PROCESSES }, (_, p) => memberIds.filter((_, i) => i % PROCESSES === p));
  const children = shares.map((ids) => startChild(workshopId, ids));
  await Promise.all(children.map((c) => c.ready));
  for (const c of children) c.go();
  const results = await Promise.all(children.map((c) => c.done));
  outcomes = results.flatMap((r) => r.result?.outcomes ?? []);
  windows = results.flatMap((r) => (r.result ? [{ startedAt: r.result.startedAt, finishedAt: r.result.finishedAt }] : []));
  exits = results.map(({ code, stderr }) => ({ code, stderr }));
}, 60_000);

describe(`${MEMBERS} simultaneous RSVPs from ${PROCESSES} processes at a ${SEATS}-seat workshop`, () => {
  it('has every process exit cleanly with an answer for each of its members and no errors', () => {
    for (const exit of exits) expect(exit, exit.stderr).toMatchObject({ code: 0 });
    expect(outcomes).toHaveLength(MEMBERS);
    expect(new Set(outcomes.map((o) => o.userId))).toEqual(new Set(memberIds));
    expect(outcomes.filter((o) => !o.ok || o.error)).toEqual([]);
  });

  it('really ran the processes at the same time: every one had started before any had finished', () => {
    expect(windows).toHaveLength(PROCESSES);
    const lastStart = Math.max(...windows.map((w) => w.startedAt));
    const firstFinish = Math.min(...windows.map((w) => w.finishedAt));
    expect(lastStart).toBeLessThanOrEqual(firstFinish);
  });

  it('gives exactly 20 seats and puts everyone else on the waitlist', () => {
    expect(outcomes.filter((o) => o.status === 'confirmed')).toHaveLength(SEATS);
    expect(outcomes.filter((o) => o.status === 'waitlisted')).toHaveLength(MEMBERS - SEATS);
    expect(seatSummary(workshopId)).toEqual({ seatsTaken: SEATS, waitlistLength: MEMBERS - SEATS, maybe: 0 });
    const rows = db.select().from(rsvps).where(eq(rsvps.workshopId, workshopId)).all();
    expect(rows).toHaveLength(MEMBERS);
    for (const o of outcomes) expect(rows.find((r) => r.userId === o.userId)?.seatStatus).toBe(o.status);
  });

  it('numbers the waitlist 1..N without gaps, in arrival order, and each member holds the position they were told', () => {
    const queue = db
      .select({ userId: rsvps.userId, waitlistedAt: rsvps.waitlistedAt })
      .from(rsvps)
      .where(and(eq(rsvps.workshopId, workshopId), eq(rsvps.seatStatus, 'waitlisted')))
      .orderBy(asc(rsvps.waitlistedAt), asc(rsvps.id))
      .all();
    expect(queue).toHaveLength(MEMBERS - SEATS);
    expect(queue.every((r) => r.waitlistedAt !== null)).toBe(true);

    // The page's position for each member is their place in (waitlistedAt, id) order.
    const positions = queue.map((r) => getMyRsvp(r.userId, workshopId)!.waitlistPosition);
    expect(positions).toEqual(Array.from({ length: MEMBERS - SEATS }, (_, i) => i + 1));

    // What each member was told when they replied is still true: told positions are 1..N, each exactly once.
    const told = new Map(outcomes.filter((o) => o.status === 'waitlisted').map((o) => [o.userId, o.waitlistPosition]));
    expect([...told.values()].sort((a, b) => a! - b!)).toEqual(positions);
    for (const [i, row] of queue.entries()) expect(told.get(row.userId), `racer with user id ${row.userId}`).toBe(i + 1);
  });

  it('queues exactly one confirmation per seat holder and one waitlist email per waitlisted member, with their position', () => {
    const mail = db
      .select({ to: outbox.toAddress, subject: outbox.subject, attachments: outbox.attachments })
      .from(outbox)
      .where(like(outbox.dedupeKey, `workshop:${workshopId}:%`))
      .all();
    expect(mail).toHaveLength(MEMBERS);
    const emailOf = new Map(db.select({ id: users.id, email: users.email }).from(users).all().map((u) => [u.id, u.email]));
    for (const o of outcomes) {
      const theirs = mail.filter((m) => m.to === emailOf.get(o.userId));
      expect(theirs, `mail to ${emailOf.get(o.userId)}`).toHaveLength(1);
      if (o.status === 'confirmed') {
        expect(theirs[0]!.subject).toBe(`You're going: ${TITLE}`);
        expect(JSON.parse(theirs[0]!.attachments)).toHaveLength(1);
      } else {
        expect(theirs[0]!.subject).toBe(`You're on the waitlist (position ${o.waitlistPosition}): ${TITLE}`);
        expect(JSON.parse(theirs[0]!.attachments)).toEqual([]);
      }
    }
  });
});
