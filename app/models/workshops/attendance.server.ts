import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { db } from '../../../db/client.server';
import {
  organisations,
  rsvps,
  users,
  workshopActionItems,
  workshopAttendingOrganisations,
  workshopDecisions,
  workshops,
} from '../../../db/schema';
import type { SessionUser } from '~/utils/auth.server';
import { once } from '~/utils/prepared.server';
import { renderMarkdown } from '~/utils/markdown.server';
import { parseDateInput } from '~/utils/time';
import type { FieldErrors } from '~/utils/validation.server';
import { recordAudit } from '../audit.server';

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
  actionItems: { text: string; ownerOrganisationId: number | null; dueDate: number | null; done?: boolean }[];
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
    if (!action && (owner || due || formData.get(`action-${i}-done`) !== null)) add(`action-${i}-text`, 'Describe the action, or clear its owner and due date.');
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
    actionItems.push({ text: action, ownerOrganisationId: ownerId, dueDate, done: formData.get(`action-${i}-done`) !== null });
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
    // Rows are rewritten on every save: an action still ticked keeps the time it was first marked done.
    const doneBefore = new Map(
      tx.select({ text: workshopActionItems.text, doneAt: workshopActionItems.doneAt }).from(workshopActionItems).where(eq(workshopActionItems.workshopId, workshopId)).all().map((a) => [a.text, a.doneAt] as const),
    );
    tx.delete(workshopActionItems).where(eq(workshopActionItems.workshopId, workshopId)).run();
    const now = Date.now();
    input.actionItems.forEach(({ done, ...a }, position) =>
      tx.insert(workshopActionItems).values({ workshopId, ...a, doneAt: done ? (doneBefore.get(a.text) ?? now) : null, position }).run(),
    );
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
        doneAt: workshopActionItems.doneAt,
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
