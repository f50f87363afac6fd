// Workshops: scheduling by coordinators, the pages members see, and the record of what a meeting decided.
// Seats and RSVPs live in rsvps.server.ts.
import { and, asc, desc, eq, gt, inArray, lte, ne, sql } from 'drizzle-orm';
import { z } from 'zod';
import { db } from '../../db/client.server';
import {
  WORKSHOP_MODES,
  organisations,
  rsvps,
  users,
  workshopActionItems,
  workshopAttendingOrganisations,
  workshopAudienceOrganisations,
  workshopDecisions,
  workshops,
  type WorkshopStatus,
} from '../../db/schema';
import type { SessionUser } from '~/utils/auth.server';
import { once, oncePerKey } from '~/utils/prepared.server';
import { slugify } from '~/utils/labels';
import { renderMarkdown } from '~/utils/markdown.server';
import { formatDateRange, getZonedParts, parseDateInput, parseDateTimeLocal } from '~/utils/time';
import { field, type FieldErrors, type FormValues } from '~/utils/validation.server';
import { recordAudit } from './audit.server';
import { notifyWorkshopChange, promoteFromWaitlist, queueRsvpEmail, waitlistPosition, type Tx } from './rsvps.server';
import { overCapacity } from './seat-rules';

export type Workshop = typeof workshops.$inferSelect;

export const WORKSHOP_MODE_LABELS = { in_person: 'In person', online: 'Online', hybrid: 'Hybrid (in person and online)' } as const;
export const WORKSHOP_STATUS_LABELS: Record<WorkshopStatus, string> = {
  draft: 'Draft',
  scheduled: 'Scheduled',
  cancelled: 'Cancelled',
  completed: 'Completed',
};

// ---------------------------------------------------------------------------------------------------------------
// Input

const baseSchema = z.object({
  title: field.text('a title', 150),
  summary: field.optionalText('the summary', 1000),
  agenda: field.optionalText('the agenda', 20000),
  startsAt: z.string({ error: 'Enter the start date and time.' }).min(1, 'Enter the start date and time.'),
  endsAt: z.string({ error: 'Enter the end date and time.' }).min(1, 'Enter the end date and time.'),
  mode: z.enum(WORKSHOP_MODES, { error: 'Choose in person, online or hybrid.' }),
  venue: field.optionalText('the venue', 300),
  onlineUrl: field.optionalText('the joining link', 500),
  capacity: z
    .string()
    .trim()
    .min(1, 'Enter how many seats there are.')
    .transform(Number)
    .pipe(z.number({ error: 'Enter the number of seats as a whole number.' }).int('Enter the number of seats as a whole number.').min(0, 'Capacity cannot be below zero.').max(100000, 'That is more seats than any venue has.')),
  orgSeatCap: z
    .string()
    .optional()
    .transform((s) => (s ?? '').trim())
    .transform((s) => (s === '' ? null : Number(s)))
    .pipe(z.union([z.null(), z.number({ error: 'Enter the cap as a whole number.' }).int('Enter the cap as a whole number.').min(1, 'A cap must be at least 1 seat (leave it empty for no cap).')])),
  rsvpDeadline: z.string().optional().transform((s) => (s ?? '').trim()),
  audience: z.enum(['all', 'organisations'], { error: 'Choose who the workshop is for.' }),
});

export type WorkshopInput = {
  title: string;
  summary: string;
  agendaMd: string;
  startsAt: number;
  endsAt: number;
  mode: Workshop['mode'];
  venue: string;
  onlineUrl: string;
  capacity: number;
  orgSeatCap: number | null;
  rsvpDeadline: number | null;
  audience: 'all' | 'organisations';
  organisationIds: number[];
};

/** Validates the scheduling form: every impossible combination gets a message on the field it concerns. */
export type WorkshopFormValues = { [field: string]: string | string[] };

export function parseWorkshopForm(formData: FormData):
  | { ok: true; data: WorkshopInput; values: WorkshopFormValues }
  | { ok: false; errors: FieldErrors; values: WorkshopFormValues } {
  const values: FormValues = {};
  for (const [key, value] of formData) if (typeof value === 'string' && !(key in values)) values[key] = value;
  const organisationIdValues = formData.getAll('organisationIds').filter((v): v is string => typeof v === 'string');
  const allValues: WorkshopFormValues = { ...values, organisationIds: organisationIdValues };
  const errors: Record<string, string[]> = {};
  const add = (key: string, message: string) => (errors[key] ??= []).push(message);

  const parsed = baseSchema.safeParse(values);
  if (!parsed.success) for (const issue of parsed.error.issues) add(String(issue.path[0] ?? '_form'), issue.message);

  const start = values.startsAt ? parseDateTimeLocal(values.startsAt) : null;
  const end = values.endsAt ? parseDateTimeLocal(values.endsAt) : null;
  if (start && !start.ok) add('startsAt', start.error);
  if (end && !end.ok) add('endsAt', end.error);
  if (start?.ok && end?.ok && end.date.getTime() <= start.date.getTime()) add('endsAt', 'The end must be after the start.');

  let deadline: number | null = null;
  if (values.rsvpDeadline?.trim()) {
    const d = parseDateTimeLocal(values.rsvpDeadline);
    if (!d.ok) add('rsvpDeadline', d.error);
    else {
      deadline = d.date.getTime();
      if (start?.ok && deadline > start.date.getTime()) add('rsvpDeadline', 'The RSVP deadline must be before the workshop starts.');
    }
  }

  const mode = parsed.success ? parsed.data.mode : undefined;
  if ((mode === 'in_person' || mode === 'hybrid') && !values.venue?.trim()) add('venue', 'Enter the venue for people attending in person.');
  if (mode === 'online' || mode === 'hybrid') {
    const link = values.onlineUrl?.trim() ?? '';
    if (!link) add('onlineUrl', 'Enter the joining link for people attending online.');
    else if (!isHttpUrl(link)) add('onlineUrl', 'Enter a joining link that starts with https://.');
  } else if (values.onlineUrl?.trim() && !isHttpUrl(values.onlineUrl.trim())) add('onlineUrl', 'Enter a joining link that starts with https://.');

  const organisationIds = [...new Set(organisationIdValues.map(Number))];
  if (organisationIds.some((id) => !Number.isInteger(id) || id <= 0)) add('organisationIds', 'Choose organisations from the list.');
  else if (organisationIds.length) {
    const known = db.select({ id: organisations.id }).from(organisations).where(inArray(organisations.id, organisationIds)).all();
    if (known.length !== organisationIds.length) add('organisationIds', 'One of the chosen organisations does not exist. Choose from the list.');
  }
  if (parsed.success && parsed.data.audience === 'organisations' && organisationIds.length === 0) {
    add('organisationIds', 'Choose at least one organisation, or open the workshop to all members.');
  }

  if (Object.keys(errors).length || !parsed.success || !start?.ok || !end?.ok) {
    return { ok: false, errors, values: allValues };
  }
  const p = parsed.data;
  return {
    ok: true,
    values: allValues,
    data: {
      title: p.title,
      summary: p.summary,
      agendaMd: p.agenda,
      startsAt: start.date.getTime(),
      endsAt: end.date.getTime(),
      mode: p.mode,
      venue: p.mode === 'online' ? '' : p.venue,
      onlineUrl: p.mode === 'in_person' ? '' : p.onlineUrl,
      capacity: p.capacity,
      orgSeatCap: p.orgSeatCap,
      rsvpDeadline: deadline,
      audience: p.audience,
      organisationIds: p.audience === 'organisations' ? organisationIds : [],
    },
  };
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

function uniqueWorkshopSlug(tx: Tx, title: string, startsAt: number): string {
  const year = getZonedParts(startsAt).year; // the NZ year: a New Year's Day morning is still the previous year in UTC
  const base = `${slugify(title).slice(0, 60)}-${year}`;
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? base : `${base}-${n}`;
    if (!tx.select({ id: workshops.id }).from(workshops).where(eq(workshops.slug, candidate)).get()) return candidate;
  }
}

function workshopColumns(input: WorkshopInput) {
  return {
    title: input.title,
    summary: input.summary,
    agendaMd: input.agendaMd,
    agendaHtml: renderMarkdown(input.agendaMd),
    startsAt: input.startsAt,
    endsAt: input.endsAt,
    mode: input.mode,
    venue: input.venue,
    onlineUrl: input.onlineUrl,
    capacity: input.capacity,
    orgSeatCap: input.orgSeatCap,
    rsvpDeadline: input.rsvpDeadline,
    audience: input.audience,
  };
}

function setAudience(tx: Tx, workshopId: number, organisationIds: number[]) {
  tx.delete(workshopAudienceOrganisations).where(eq(workshopAudienceOrganisations.workshopId, workshopId)).run();
  for (const organisationId of organisationIds) tx.insert(workshopAudienceOrganisations).values({ workshopId, organisationId }).run();
}

// ---------------------------------------------------------------------------------------------------------------
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
// Attendance and the record of the meeting

/** Marks who attended (everyone else with a seat did not); attending organisations follow the marks. */
export function markAttendance(actor: SessionUser, workshopId: number, attendedUserIds: number[]) {
  db.transaction((tx) => {
    const attended = new Set(attendedUserIds);
    const seated = tx.select({ id: rsvps.id, userId: rsvps.userId }).from(rsvps).where(and(eq(rsvps.workshopId, workshopId), eq(rsvps.seatStatus, 'confirmed'))).all();
    for (const r of seated) tx.update(rsvps).set({ attended: attended.has(r.userId) }).where(eq(rsvps.id, r.id)).run();
    const orgs = tx
      .selectDistinct({ organisationId: users.organisationId })
      .from(rsvps)
      .innerJoin(users, eq(users.id, rsvps.userId))
      .where(and(eq(rsvps.workshopId, workshopId), eq(rsvps.attended, true)))
      .all();
    tx.delete(workshopAttendingOrganisations).where(eq(workshopAttendingOrganisations.workshopId, workshopId)).run();
    for (const { organisationId } of orgs) tx.insert(workshopAttendingOrganisations).values({ workshopId, organisationId }).run();
    recordAudit(tx, { actorId: actor.id, action: 'workshop.attendance', targetType: 'workshop', targetId: workshopId, summary: `Marked attendance: ${attended.size} attended of ${seated.length}` });
  });
}

export type RecordInput = {
  notesMd: string;
  attendingOrganisationIds: number[];
  decisions: string[];
  actionItems: { text: string; ownerOrganisationId: number | null; dueDate: number | null }[];
};

const MAX_RECORD_ROWS = 50;

/** Reads the record form: numbered rows (decision-0, action-0-text, action-0-owner, action-0-due ...). Empty rows are skipped. */
export function parseRecordForm(formData: FormData): { ok: true; data: RecordInput } | { ok: false; errors: FieldErrors } {
  const errors: Record<string, string[]> = {};
  const add = (key: string, message: string) => (errors[key] ??= []).push(message);
  const text = (key: string) => {
    const v = formData.get(key);
    return typeof v === 'string' ? v.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '').trim() : '';
  };
  const notesMd = text('notes');
  if (notesMd.length > 50000) add('notes', 'Keep the notes under 50,000 characters.');
  const decisions: string[] = [];
  const actionItems: RecordInput['actionItems'] = [];
  const actionRows: number[] = []; // the form row each action came from, so its errors land on that row
  for (let i = 0; i < MAX_RECORD_ROWS; i++) {
    const decision = text(`decision-${i}`);
    if (decision) {
      if (decision.length > 1000) add(`decision-${i}`, 'Keep each decision under 1,000 characters.');
      decisions.push(decision);
    }
    const action = text(`action-${i}-text`);
    const owner = text(`action-${i}-owner`);
    const due = text(`action-${i}-due`);
    if (!action && (owner || due)) add(`action-${i}-text`, 'Describe the action, or clear its owner and due date.');
    if (!action) continue;
    if (action.length > 1000) add(`action-${i}-text`, 'Keep each action under 1,000 characters.');
    let dueDate: number | null = null;
    if (due) {
      const parsed = parseDateInput(due);
      if (!parsed.ok) add(`action-${i}-due`, parsed.error);
      else dueDate = parsed.date.getTime();
    }
    const ownerId = owner ? Number(owner) : null;
    if (ownerId !== null && (!Number.isInteger(ownerId) || ownerId <= 0)) add(`action-${i}-owner`, 'Choose an organisation from the list.');
    actionItems.push({ text: action, ownerOrganisationId: ownerId, dueDate });
    actionRows.push(i);
  }
  const attendingOrganisationIds = [...new Set(formData.getAll('attendingOrganisationIds').map(Number))];
  const orgIds = [...new Set([...attendingOrganisationIds, ...actionItems.map((a) => a.ownerOrganisationId).filter((id): id is number => id !== null)])];
  if (orgIds.some((id) => !Number.isInteger(id) || id <= 0)) add('attendingOrganisationIds', 'Choose organisations from the list.');
  else if (orgIds.length) {
    const known = new Set(db.select({ id: organisations.id }).from(organisations).where(inArray(organisations.id, orgIds)).all().map((o) => o.id));
    if (attendingOrganisationIds.some((id) => !known.has(id))) add('attendingOrganisationIds', 'One of the chosen organisations does not exist.');
    actionItems.forEach((a, i) => {
      if (a.ownerOrganisationId !== null && !known.has(a.ownerOrganisationId)) add(`action-${actionRows[i]}-owner`, 'That organisation does not exist.');
    });
  }
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, data: { notesMd, attendingOrganisationIds, decisions, actionItems } };
}

export function saveWorkshopRecord(actor: SessionUser, workshopId: number, input: RecordInput) {
  db.transaction((tx) => {
    tx.update(workshops)
      .set({ recordNotesMd: input.notesMd, recordNotesHtml: renderMarkdown(input.notesMd), recordUpdatedAt: Date.now() })
      .where(eq(workshops.id, workshopId))
      .run();
    tx.delete(workshopAttendingOrganisations).where(eq(workshopAttendingOrganisations.workshopId, workshopId)).run();
    for (const organisationId of input.attendingOrganisationIds) tx.insert(workshopAttendingOrganisations).values({ workshopId, organisationId }).run();
    tx.delete(workshopDecisions).where(eq(workshopDecisions.workshopId, workshopId)).run();
    input.decisions.forEach((text, position) => tx.insert(workshopDecisions).values({ workshopId, text, position }).run());
    tx.delete(workshopActionItems).where(eq(workshopActionItems.workshopId, workshopId)).run();
    input.actionItems.forEach((a, position) => tx.insert(workshopActionItems).values({ workshopId, ...a, position }).run());
    recordAudit(tx, { actorId: actor.id, action: 'workshop.record', targetType: 'workshop', targetId: workshopId, summary: `Updated the record: ${input.decisions.length} decisions, ${input.actionItems.length} actions` });
  });
}

// The workshop page, the list and the home page run these reads on every view: each query is built and prepared once
// (drizzle building the SQL cost more than running it), with placeholders for what varies.
const recordQueries = once(() => {
  const workshopId = sql.placeholder('workshopId');
  return {
    attendingOrganisations: db
      .select({ id: organisations.id, name: organisations.name, slug: organisations.slug })
      .from(workshopAttendingOrganisations)
      .innerJoin(organisations, eq(organisations.id, workshopAttendingOrganisations.organisationId))
      .where(eq(workshopAttendingOrganisations.workshopId, workshopId))
      .orderBy(asc(organisations.name))
      .prepare(),
    decisions: db.select().from(workshopDecisions).where(eq(workshopDecisions.workshopId, workshopId)).orderBy(asc(workshopDecisions.position)).prepare(),
    actionItems: db
      .select({
        id: workshopActionItems.id,
        text: workshopActionItems.text,
        dueDate: workshopActionItems.dueDate,
        ownerOrganisationId: workshopActionItems.ownerOrganisationId,
        ownerName: organisations.name,
        ownerSlug: organisations.slug,
      })
      .from(workshopActionItems)
      .leftJoin(organisations, eq(organisations.id, workshopActionItems.ownerOrganisationId))
      .where(eq(workshopActionItems.workshopId, workshopId))
      .orderBy(asc(workshopActionItems.position))
      .prepare(),
  };
});

export function getWorkshopRecord(workshopId: number) {
  const q = recordQueries();
  const attendingOrganisations = q.attendingOrganisations.all({ workshopId });
  const decisions = q.decisions.all({ workshopId });
  const actionItems = q.actionItems.all({ workshopId });
  return { attendingOrganisations, decisions, actionItems };
}

// ---------------------------------------------------------------------------------------------------------------
// Reading

const seatCounts = {
  seatsTaken: sql<number>`(select count(*) from rsvps r where r.workshop_id = "workshops"."id" and r.seat_status = 'confirmed')`,
  waitlistLength: sql<number>`(select count(*) from rsvps r where r.workshop_id = "workshops"."id" and r.seat_status = 'waitlisted')`,
};

const listColumns = {
  id: workshops.id,
  slug: workshops.slug,
  title: workshops.title,
  summary: workshops.summary,
  startsAt: workshops.startsAt,
  endsAt: workshops.endsAt,
  mode: workshops.mode,
  venue: workshops.venue,
  capacity: workshops.capacity,
  status: workshops.status,
  audience: workshops.audience,
  ...seatCounts,
};

export const WORKSHOPS_PAGE_SIZE = 25;

const listQueries = oncePerKey<boolean, ReturnType<typeof buildListQueries>>();

function buildListQueries(coordinator: boolean) {
  const now = sql.placeholder('now');
  return {
    upcoming: db
      .select(listColumns)
      .from(workshops)
      .where(and(gt(workshops.endsAt, now), coordinator ? inArray(workshops.status, ['draft', 'scheduled', 'cancelled']) : eq(workshops.status, 'scheduled')))
      .orderBy(asc(workshops.startsAt), asc(workshops.id))
      .limit(WORKSHOPS_PAGE_SIZE + 1)
      .offset(sql.placeholder('offset'))
      .prepare(),
    past: db
      .select(listColumns)
      .from(workshops)
      .where(and(lte(workshops.endsAt, now), coordinator ? ne(workshops.status, 'draft') : inArray(workshops.status, ['scheduled', 'completed'])))
      .orderBy(desc(workshops.startsAt), desc(workshops.id))
      .limit(WORKSHOPS_PAGE_SIZE + 1)
      .offset(sql.placeholder('offset'))
      .prepare(),
  };
}

/** An offset for a prepared query: none (0) where drizzle would have left the clause out. */
const offsetOf = (page: number) => (Math.max(1, page) - 1) * WORKSHOPS_PAGE_SIZE || 0;

/**
 * Upcoming (scheduled, not yet ended) and past (ended or completed) workshops, one page of each; coordinators also
 * see drafts. Both lists are paged: a national community schedules hundreds, and a page listing them all cost the
 * bench (2,000 workshops) a sixth of the framework's throughput.
 */
export function listWorkshops(viewer: SessionUser | null, { upcomingPage = 1, pastPage = 1 }: { upcomingPage?: number; pastPage?: number } = {}, now = Date.now()) {
  const coordinator = viewer?.role === 'coordinator';
  const q = listQueries(coordinator, () => buildListQueries(coordinator));
  const upcoming = q.upcoming.all({ now, offset: offsetOf(upcomingPage) });
  const past = q.past.all({ now, offset: offsetOf(pastPage) });
  return {
    upcoming: upcoming.slice(0, WORKSHOPS_PAGE_SIZE),
    moreUpcoming: upcoming.length > WORKSHOPS_PAGE_SIZE,
    past: past.slice(0, WORKSHOPS_PAGE_SIZE),
    morePast: past.length > WORKSHOPS_PAGE_SIZE,
  };
}

const nextQuery = once(() =>
  db
    .select(listColumns)
    .from(workshops)
    .where(and(eq(workshops.status, 'scheduled'), gt(workshops.endsAt, sql.placeholder('now'))))
    .orderBy(asc(workshops.startsAt))
    .limit(sql.placeholder('limit'))
    .prepare(),
);

/** The next few scheduled workshops, for the home page. */
export function nextWorkshops(limit = 3, now = Date.now()) {
  // A negative limit means none (drizzle leaves the clause out; SQLite reads `limit -1` the same way).
  return nextQuery().all({ now, limit: limit >= 0 ? limit : -1 });
}

const bySlugQuery = once(() => db.select().from(workshops).where(eq(workshops.slug, sql.placeholder('slug'))).prepare());

export function getWorkshopBySlug(slug: string) {
  return bySlugQuery().get({ slug });
}

export function getWorkshopById(id: number) {
  return db.select().from(workshops).where(eq(workshops.id, id)).get();
}

const audienceQuery = once(() =>
  db
    .select({ id: organisations.id, name: organisations.name })
    .from(workshopAudienceOrganisations)
    .innerJoin(organisations, eq(organisations.id, workshopAudienceOrganisations.organisationId))
    .where(eq(workshopAudienceOrganisations.workshopId, sql.placeholder('workshopId')))
    .orderBy(asc(organisations.name))
    .prepare(),
);

export function getWorkshopAudience(workshopId: number) {
  return audienceQuery().all({ workshopId });
}

/** Drafts are for coordinators only; everything else can be read by anyone (attendees only by members). */
export function canViewWorkshop(viewer: SessionUser | null, workshop: Workshop): boolean {
  return workshop.status !== 'draft' || viewer?.role === 'coordinator';
}

const seatSummaryQuery = once(() =>
  db
    .select({
      seatsTaken: sql<number>`coalesce(sum(case when ${rsvps.seatStatus} = 'confirmed' then 1 else 0 end), 0)`,
      waitlistLength: sql<number>`coalesce(sum(case when ${rsvps.seatStatus} = 'waitlisted' then 1 else 0 end), 0)`,
      maybe: sql<number>`coalesce(sum(case when ${rsvps.response} = 'maybe' then 1 else 0 end), 0)`,
    })
    .from(rsvps)
    .where(eq(rsvps.workshopId, sql.placeholder('workshopId')))
    .prepare(),
);

export function seatSummary(workshopId: number) {
  return seatSummaryQuery().get({ workshopId })!;
}

const attendeesQuery = once(() =>
  db
    .select({ userId: users.id, name: users.name, organisationName: organisations.name, organisationSlug: organisations.slug, attendanceMode: rsvps.attendanceMode })
    .from(rsvps)
    .innerJoin(users, eq(users.id, rsvps.userId))
    .innerJoin(organisations, eq(organisations.id, users.organisationId))
    .where(and(eq(rsvps.workshopId, sql.placeholder('workshopId')), eq(rsvps.seatStatus, 'confirmed')))
    .orderBy(asc(rsvps.respondedAt), asc(rsvps.id))
    .prepare(),
);

/** People going (names and organisations), in seat order. */
export function listAttendees(workshopId: number) {
  return attendeesQuery().all({ workshopId });
}

const coordinatorRsvpsQuery = once(() =>
  db
    .select({
      rsvpId: rsvps.id,
      userId: users.id,
      name: users.name,
      email: users.email,
      organisationName: organisations.name,
      response: rsvps.response,
      seatStatus: rsvps.seatStatus,
      attendanceMode: rsvps.attendanceMode,
      needs: rsvps.needs,
      respondedAt: rsvps.respondedAt,
      waitlistedAt: rsvps.waitlistedAt,
      attended: rsvps.attended,
    })
    .from(rsvps)
    .innerJoin(users, eq(users.id, rsvps.userId))
    .innerJoin(organisations, eq(organisations.id, users.organisationId))
    .where(eq(rsvps.workshopId, sql.placeholder('workshopId')))
    .orderBy(
      sql`case ${rsvps.seatStatus} when 'confirmed' then 0 when 'waitlisted' then 1 else 2 end`,
      asc(sql`coalesce(${rsvps.waitlistedAt}, ${rsvps.respondedAt})`),
      asc(rsvps.id),
    )
    .prepare(),
);

/** Everything the coordinator's attendee list and CSV export show, including needs. */
export function listRsvpsForCoordinator(workshopId: number) {
  return coordinatorRsvpsQuery().all({ workshopId });
}

/** Workshops people from this organisation attended (or hold seats at, before attendance is marked). */
export function workshopsForOrganisation(organisationId: number) {
  return db
    .select({ id: workshops.id, slug: workshops.slug, title: workshops.title, startsAt: workshops.startsAt, endsAt: workshops.endsAt, status: workshops.status })
    .from(workshops)
    .where(
      and(
        inArray(workshops.status, ['scheduled', 'completed']),
        sql`(exists (select 1 from workshop_attending_organisations a where a.workshop_id = "workshops"."id" and a.organisation_id = ${organisationId})
          or exists (select 1 from rsvps r join users u on u.id = r.user_id where r.workshop_id = "workshops"."id" and u.organisation_id = ${organisationId} and r.seat_status = 'confirmed' and coalesce(r.attended, 1) = 1))`,
      ),
    )
    .orderBy(desc(workshops.startsAt))
    .limit(50)
    .all();
}

const inAudienceQuery = once(() =>
  db
    .select({ id: workshopAudienceOrganisations.workshopId })
    .from(workshopAudienceOrganisations)
    .where(and(eq(workshopAudienceOrganisations.workshopId, sql.placeholder('workshopId')), eq(workshopAudienceOrganisations.organisationId, sql.placeholder('organisationId'))))
    .prepare(),
);

export function isWorkshopInAudience(workshopId: number, audience: Workshop['audience'], organisationId: number): boolean {
  if (audience === 'all') return true;
  return inAudienceQuery().get({ workshopId, organisationId }) !== undefined;
}

/** CSV for spreadsheets; cells that a spreadsheet would run as a formula are defused with a leading quote. */
export function attendeesCsv(workshopId: number, format: (ms: number) => string): string {
  const rows = listRsvpsForCoordinator(workshopId);
  const header = ['Name', 'Email', 'Organisation', 'Status', 'Mode', 'Needs', 'RSVP time (NZ)', 'Attended'];
  const statusOf = (r: (typeof rows)[number]) => (r.seatStatus === 'confirmed' ? 'Going' : r.seatStatus === 'waitlisted' ? 'Waitlisted' : r.response === 'maybe' ? 'Maybe' : "Can't go");
  const lines = [header, ...rows.map((r) => [r.name, r.email, r.organisationName, statusOf(r), r.attendanceMode === 'online' ? 'Online' : r.attendanceMode === 'in_person' ? 'In person' : '', r.needs, format(r.respondedAt), r.attended === null ? '' : r.attended ? 'Yes' : 'No'])];
  return lines.map((cells) => cells.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

export function csvCell(value: string): string {
  const defused = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(defused) ? `"${defused.replace(/"/g, '""')}"` : defused;
}

