import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { db } from '../../../db/client.server';
import { organisations, rsvps, users, workshopAttendingOrganisations, workshops } from '../../../db/schema';
import type { SessionUser } from '~/utils/auth.server';
import { formatDateRange } from '~/utils/time';
import { recordAudit } from '../audit.server';
import { notifyWorkshopChange, promoteFromWaitlist, queueRsvpEmail, type Tx, waitlistPosition } from '../rsvps.server';
import { overCapacity } from '../seat-rules';
import {
  WORKSHOP_MODE_LABELS,
  type Workshop,
  type WorkshopInput,
  setAudience,
  uniqueWorkshopSlug,
  workshopColumns,
} from './input.server';

// Scheduling

export function createWorkshop(actor: SessionUser, input: WorkshopInput, { publish = false } = {}): { id: number; slug: string } {
  return db.transaction((tx) => {
    const slug = uniqueWorkshopSlug(tx, input.title, input.startsAt);
    const row = tx
      .insert(workshops)
      .values({ ...workshopColumns(input), slug, status: publish ? 'scheduled' : 'draft', createdById: actor.id })
      .returning({ id: workshops.id })
      .get();
    setAudience(tx, row.id, input.organisationIds);
    recordAudit(tx, { actorId: actor.id, action: 'workshop.create', targetType: 'workshop', targetId: row.id, summary: `Created workshop “${input.title}”${publish ? ' and published it' : ' as a draft'}` });
    return { id: row.id, slug };
  });
}

export type OverCapacityPerson = { rsvpId: number; userId: number; name: string; organisationName: string; seatTakenAt: number };

export type UpdateOutcome =
  | { ok: true; message: string }
  | { ok: false; reason: 'over-capacity'; overCapacity: OverCapacityPerson[]; confirmed: number }
  | { ok: false; reason: 'not-editable'; message: string };

/**
 * Saves an edit. If the new capacity is below the number already going, nothing is saved until the coordinator
 * chooses: keep everyone (`overCapacityChoice: 'keep'`) or move the latest arrivals to the top of the waitlist
 * (`'waitlist'`). People with a seat or on the waitlist are told about changes of time or place.
 */
export function updateWorkshop(
  actor: SessionUser,
  workshopId: number,
  input: WorkshopInput,
  { overCapacityChoice }: { overCapacityChoice?: 'keep' | 'waitlist' } = {},
): UpdateOutcome {
  return db.transaction(
    (tx) => {
      const before = tx.select().from(workshops).where(eq(workshops.id, workshopId)).get();
      if (!before) return { ok: false as const, reason: 'not-editable' as const, message: 'That workshop no longer exists.' };
      if (before.status === 'cancelled') return { ok: false as const, reason: 'not-editable' as const, message: 'A cancelled workshop cannot be edited.' };

      const confirmedPeople = confirmedInSeatOrder(tx, workshopId);
      const over = overCapacity(confirmedPeople, input.capacity);
      if (over.length > 0 && !overCapacityChoice) {
        return { ok: false as const, reason: 'over-capacity' as const, overCapacity: over, confirmed: confirmedPeople.length };
      }

      const changes = describeChanges(before, input);
      const attendeeFacingChange = changes.length > 0;
      tx.update(workshops)
        .set({
          ...workshopColumns(input),
          sequence: attendeeFacingChange ? sql`${workshops.sequence} + 1` : before.sequence,
          updatedAt: Date.now(),
        })
        .where(eq(workshops.id, workshopId))
        .run();
      setAudience(tx, workshopId, input.organisationIds);

      if (over.length > 0 && overCapacityChoice === 'waitlist') {
        // Moved people go to the front of the waitlist, in the order they took their seats.
        const front = (tx.select({ first: sql<number | null>`min(${rsvps.waitlistedAt})` }).from(rsvps).where(and(eq(rsvps.workshopId, workshopId), eq(rsvps.seatStatus, 'waitlisted'))).get()?.first ?? Date.now()) - over.length - 1;
        over.forEach((person, i) => {
          tx.update(rsvps).set({ seatStatus: 'waitlisted', waitlistedAt: front + i }).where(eq(rsvps.id, person.rsvpId)).run();
        });
      }

      const after = tx.select().from(workshops).where(eq(workshops.id, workshopId)).get()!;
      if (after.status === 'scheduled') {
        if (attendeeFacingChange) notifyWorkshopChange(tx, after, 'updated', changes);
        if (over.length > 0 && overCapacityChoice === 'waitlist') {
          // Nobody loses a seat silently: each person moved off a seat is told their place on the waitlist.
          const now = Date.now();
          for (const person of over) {
            const { email } = tx.select({ email: users.email }).from(users).where(eq(users.id, person.userId)).get()!;
            queueRsvpEmail(tx, after, { userId: person.userId, name: person.name, email }, 'waitlisted', now, waitlistPosition(tx, workshopId, person.rsvpId));
          }
        }
        promoteFromWaitlist(tx, after);
      }
      recordAudit(tx, {
        actorId: actor.id,
        action: 'workshop.update',
        targetType: 'workshop',
        targetId: workshopId,
        summary: `Edited workshop “${input.title}”${changes.length ? ` (${changes.join('; ')})` : ''}${over.length ? `; ${over.length} over capacity: ${overCapacityChoice === 'waitlist' ? 'moved to the waitlist' : 'kept'}` : ''}`,
      });
      const message = attendeeFacingChange && after.status === 'scheduled' ? 'Workshop saved. Everyone with a seat or on the waitlist has been told about the change.' : 'Workshop saved.';
      return { ok: true as const, message };
    },
    { behavior: 'immediate' },
  );
}

function describeChanges(before: Workshop, input: WorkshopInput): string[] {
  const changes: string[] = [];
  if (before.startsAt !== input.startsAt || before.endsAt !== input.endsAt) {
    changes.push(`Time: ${formatDateRange(before.startsAt, before.endsAt)} → ${formatDateRange(input.startsAt, input.endsAt)}`);
  }
  if (before.mode !== input.mode) changes.push(`Format: ${WORKSHOP_MODE_LABELS[before.mode]} → ${WORKSHOP_MODE_LABELS[input.mode]}`);
  if (before.venue !== input.venue) changes.push(`Venue: ${before.venue || 'none'} → ${input.venue || 'none'}`);
  if (before.onlineUrl !== input.onlineUrl) changes.push('The online joining link has changed.');
  return changes;
}

function confirmedInSeatOrder(tx: Tx, workshopId: number): OverCapacityPerson[] {
  return tx
    .select({ rsvpId: rsvps.id, userId: rsvps.userId, name: users.name, organisationName: organisations.name, seatTakenAt: rsvps.respondedAt })
    .from(rsvps)
    .innerJoin(users, eq(users.id, rsvps.userId))
    .innerJoin(organisations, eq(organisations.id, users.organisationId))
    .where(and(eq(rsvps.workshopId, workshopId), eq(rsvps.seatStatus, 'confirmed')))
    .orderBy(asc(rsvps.respondedAt), asc(rsvps.id))
    .all();
}

export type StatusOutcome = { ok: true; message: string } | { ok: false; message: string };

export function publishWorkshop(actor: SessionUser, workshopId: number): StatusOutcome {
  return db.transaction((tx) => {
    const done = tx.update(workshops).set({ status: 'scheduled', updatedAt: Date.now() }).where(and(eq(workshops.id, workshopId), eq(workshops.status, 'draft'))).run();
    if (done.changes !== 1) return { ok: false, message: 'Only a draft can be published.' };
    recordAudit(tx, { actorId: actor.id, action: 'workshop.publish', targetType: 'workshop', targetId: workshopId, summary: 'Published a workshop' });
    return { ok: true, message: 'Published. Members can now RSVP.' };
  });
}

/** Cancelling tells everyone with a seat or on the waitlist, with a cancelled calendar entry for seat holders. */
export function cancelWorkshop(actor: SessionUser, workshopId: number): StatusOutcome {
  return db.transaction(
    (tx) => {
      const done = tx
        .update(workshops)
        .set({ status: 'cancelled', sequence: sql`${workshops.sequence} + 1`, updatedAt: Date.now() })
        .where(and(eq(workshops.id, workshopId), inArray(workshops.status, ['draft', 'scheduled'])))
        .run();
      if (done.changes !== 1) return { ok: false, message: 'Only a draft or scheduled workshop can be cancelled.' };
      const after = tx.select().from(workshops).where(eq(workshops.id, workshopId)).get()!;
      notifyWorkshopChange(tx, after, 'cancelled', []);
      recordAudit(tx, { actorId: actor.id, action: 'workshop.cancel', targetType: 'workshop', targetId: workshopId, summary: `Cancelled workshop “${after.title}”` });
      return { ok: true, message: 'Workshop cancelled. Everyone with a seat or on the waitlist has been told.' };
    },
    { behavior: 'immediate' },
  );
}

export function completeWorkshop(actor: SessionUser, workshopId: number): StatusOutcome {
  return db.transaction((tx) => {
    const done = tx.update(workshops).set({ status: 'completed', updatedAt: Date.now() }).where(and(eq(workshops.id, workshopId), eq(workshops.status, 'scheduled'))).run();
    if (done.changes !== 1) return { ok: false, message: 'Only a scheduled workshop can be marked completed.' };
    // Attendance, once marked, seeds the record's list of attending organisations.
    const attendedOrgs = tx
      .selectDistinct({ organisationId: users.organisationId })
      .from(rsvps)
      .innerJoin(users, eq(users.id, rsvps.userId))
      // People already marked as absent do not bring their organisation into the record.
      .where(and(eq(rsvps.workshopId, workshopId), eq(rsvps.seatStatus, 'confirmed'), sql`coalesce(${rsvps.attended}, 1) = 1`))
      .all();
    for (const { organisationId } of attendedOrgs) tx.insert(workshopAttendingOrganisations).values({ workshopId, organisationId }).onConflictDoNothing().run();
    recordAudit(tx, { actorId: actor.id, action: 'workshop.complete', targetType: 'workshop', targetId: workshopId, summary: 'Marked a workshop completed' });
    return { ok: true, message: 'Marked completed. You can now write the record of the meeting.' };
  });
}

// ---------------------------------------------------------------------------------------------------------------
