// Demo workshops from the seed article: the third meeting (April 2019, completed, with its record) and the two
// workshops "planned this year", placed in the demo's future so people can RSVP to them.
import { and, eq } from 'drizzle-orm';
import { renderMarkdown } from '../app/utils/markdown.server';
import { parseDateTimeLocal, toDateInputValue } from '../app/utils/time';
import type { DB } from './client.server';
import { organisations, rsvps, users, workshopActionItems, workshopAttendingOrganisations, workshopDecisions, workshops } from './schema';

type Tx = Parameters<Parameters<DB['transaction']>[0]>[0];

const nz = (local: string) => {
  const parsed = parseDateTimeLocal(local);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.date.getTime();
};

/** A weekday some weeks ahead, as an NZ date string, so the planned workshops stay in the future. */
function futureDate(weeksAhead: number): string {
  const d = new Date(Date.now() + weeksAhead * 7 * 24 * 3600_000);
  while ([0, 6].includes(d.getUTCDay())) d.setUTCDate(d.getUTCDate() + 1);
  return toDateInputValue(d);
}

const THIRD_MEETING_NOTES = `A workshop group considered the opportunities, challenges and practicalities of using micro-credentials in engineering education and training. They recognised micro-credentials can take a variety of forms but **industry involvement is essential**.

Project managers presented their Engineering e2e-funded pilot programmes: the problems they were designed to address and the solutions they offered. BCITO, Primary ITO and MITO presented their experience in implementing micro-credentials programmes, and Bill Sole shared NZBED's perspectives.

Participants noted the potential value of *stacking* micro-credentials so that they lead to more substantial qualifications.`;

export function seedWorkshops(tx: Tx) {
  const coordinator = tx.select({ id: users.id }).from(users).where(eq(users.email, 'coordinator@demo.example')).get();
  const orgId = (name: string) => tx.select({ id: organisations.id }).from(organisations).where(eq(organisations.name, name)).get()?.id;

  const upsert = (slug: string, values: Omit<typeof workshops.$inferInsert, 'slug'>) => {
    const existing = tx.select({ id: workshops.id }).from(workshops).where(eq(workshops.slug, slug)).get();
    if (existing) return { id: existing.id, created: false };
    return { id: tx.insert(workshops).values({ ...values, slug }).returning({ id: workshops.id }).get().id, created: true };
  };

  const third = upsert('community-of-practice-third-meeting-2019', {
    title: 'Community of practice: third meeting',
    summary: 'The third meeting of the micro-credentials community of practice, established in 2018 by Engineering e2e.',
    agendaMd: '- Pilot micro-credentials programmes: presentations from project managers\n- Training organisations involved with micro-credentials: BCITO, Primary ITO and MITO\n- TEC investing in micro-credentials\n- NZBED perspectives\n- What next?',
    agendaHtml: renderMarkdown('- Pilot micro-credentials programmes: presentations from project managers\n- Training organisations involved with micro-credentials: BCITO, Primary ITO and MITO\n- TEC investing in micro-credentials\n- NZBED perspectives\n- What next?'),
    startsAt: nz('2019-04-01T09:30'),
    endsAt: nz('2019-04-01T15:30'),
    mode: 'in_person',
    venue: '',
    capacity: 40,
    status: 'completed',
    recordNotesMd: THIRD_MEETING_NOTES,
    recordNotesHtml: renderMarkdown(THIRD_MEETING_NOTES),
    recordUpdatedAt: Date.now(),
    createdById: coordinator?.id,
  });
  if (third.created) {
    for (const name of ['Engineering e2e', 'BCITO', 'Primary ITO', 'MITO', 'New Zealand Board of Engineering Diplomas', 'Tertiary Education Commission', 'New Zealand Qualifications Authority']) {
      const id = orgId(name);
      if (id) tx.insert(workshopAttendingOrganisations).values({ workshopId: third.id, organisationId: id }).onConflictDoNothing().run();
    }
    tx.insert(workshopDecisions)
      .values({ workshopId: third.id, position: 0, text: 'The community of practice serves a useful purpose in bringing together people with a wide range of expertise and helping to reduce duplication of effort, and should continue to be supported.' })
      .run();
    [
      'Engage people with a breadth and range of expertise in the use of micro-credentials, particularly outside of campus-based education.',
      'Build the network of participants across the vocational education system.',
      'Help to shape the reformed vocational education system.',
    ].forEach((text, position) => tx.insert(workshopActionItems).values({ workshopId: third.id, text, position }).run());
  }

  const planned = [
    {
      slug: 'sharing-pilot-approaches-and-emerging-results',
      title: 'Sharing the approaches and emerging results of the engineering micro-credential pilots',
      summary: 'Project managers of the engineering education micro-credential pilots share their approaches and the results emerging so far.',
      agendaMd: '- Each pilot: the problem, the solution, the audience\n- Emerging results\n- Stacking into the NZDE and BEngTech: what we are learning',
      weeks: 3,
      mode: 'hybrid' as const,
      venue: 'To be confirmed',
      onlineUrl: 'https://meet.example/cop-pilots',
      capacity: 30,
    },
    {
      slug: 'engaging-participants-across-the-wider-system',
      title: 'Engaging participants across the wider vocational education system',
      summary: 'A workshop that involves and engages participants across the wider vocational education system, building the network beyond campus-based education.',
      agendaMd: '- Who else should be in the community of practice?\n- Micro-credentials outside campus-based education\n- Shaping the reformed vocational education system',
      weeks: 8,
      mode: 'online' as const,
      venue: '',
      onlineUrl: 'https://meet.example/cop-wider-system',
      capacity: 60,
    },
  ];
  for (const w of planned) {
    const day = futureDate(w.weeks);
    const row = upsert(w.slug, {
      title: w.title,
      summary: w.summary,
      agendaMd: w.agendaMd,
      agendaHtml: renderMarkdown(w.agendaMd),
      startsAt: nz(`${day}T09:30`),
      endsAt: nz(`${day}T15:00`),
      mode: w.mode,
      venue: w.venue,
      onlineUrl: w.onlineUrl,
      capacity: w.capacity,
      status: 'scheduled',
      createdById: coordinator?.id,
    });
    if (!row.created) continue;
    for (const email of ['project.manager@demo.example', 'brenden.mischewski@demo.example', 'bill.sole@demo.example']) {
      const user = tx.select({ id: users.id }).from(users).where(eq(users.email, email)).get();
      if (!user) continue;
      const already = tx.select({ id: rsvps.id }).from(rsvps).where(and(eq(rsvps.workshopId, row.id), eq(rsvps.userId, user.id))).get();
      if (!already) {
        tx.insert(rsvps)
          .values({ workshopId: row.id, userId: user.id, response: 'going', seatStatus: 'confirmed', attendanceMode: w.mode === 'online' ? 'online' : 'in_person', respondedAt: Date.now() })
          .run();
      }
    }
  }
}
