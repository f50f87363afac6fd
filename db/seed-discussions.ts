// Demo discussions: the five categories, and a few short threads between the demo people grounded in the seed
// articles (stacking micro-credentials into the NZDE, BCITO's trials, the workshops planned for later in the year).
// Idempotent: categories are upserted by slug; a thread is added only when no thread with its title exists.
// Seeding sends no mail: participants watch their threads and have read them, so the first notification run after a
// seed finds nothing to say.
import { and, eq } from 'drizzle-orm';
import { renderMarkdown } from '../app/utils/markdown.server';
import type { DB } from './client.server';
import { discussionCategories, posts, threadReads, threadWatches, threads, users, workshops, type ThreadSubjectType } from './schema';

type Tx = Parameters<Parameters<DB['transaction']>[0]>[0];

const CATEGORIES = [
  { slug: 'general', name: 'General', description: 'Anything about micro-credentials in engineering education that fits nowhere else.' },
  { slug: 'pilots-and-case-studies', name: 'Pilots and case studies', description: 'The micro-credential pilots: the problems they address, their audiences and what they are learning.' },
  { slug: 'quality-assurance', name: 'Quality assurance', description: 'Approval, assessment and recognition: NZQA, NZBED and how providers assure quality.' },
  { slug: 'stacking-and-pathways', name: 'Stacking and pathways', description: 'Bundling micro-credentials so they lead to more substantial qualifications such as the NZDE and BEngTech.' },
  { slug: 'workshops', name: 'Workshops', description: 'Planning, agendas and follow-up for the community of practice workshops.' },
];

type SeedPost = { author: string; body: string; minutesAfterStart: number };
type SeedThread = {
  category: string;
  title: string;
  subject?: { type: ThreadSubjectType; workshopSlug: string };
  pinned?: boolean;
  daysAgo: number;
  posts: SeedPost[];
};

const THREADS: SeedThread[] = [
  {
    category: 'general',
    title: 'Welcome to the discussions',
    pinned: true,
    daysAgo: 21,
    posts: [
      {
        author: 'coordinator@demo.example',
        minutesAfterStart: 0,
        body: `Kia ora koutou, and welcome.

This is the place for the conversations between our meetings: the pilots, quality assurance, stacking into qualifications, and the workshops.

- **Watching**: you watch a thread when you start it or reply to it, and you get at most one email per thread every 15 minutes. Use the *Mute* button on a thread to stop its emails, or *Watch* on a category to hear about every new thread in it.
- **Mentions**: type \`@\` followed by a member's full name as it appears in the directory, for example @Demo Member, and they get an email.
- **Quoting**: use *Quote* under a post to reply to it with the passage quoted.

If something posted here needs a coordinator's attention, use *Report* under it.`,
      },
    ],
  },
  {
    category: 'stacking-and-pathways',
    title: 'Stacking micro-credentials into the NZDE',
    daysAgo: 12,
    posts: [
      {
        author: 'brenden.mischewski@demo.example',
        minutesAfterStart: 0,
        body: `At the April meeting participants noted the potential value of *stacking* micro-credentials: bundling them so they could lead to more substantial qualifications was reported to be valued by learners and industries.

For our pilots the obvious target is the **New Zealand Diploma in Engineering (NZDE)**, and after it the BEngTech. What would a stack need before it could count towards the diploma?`,
      },
      {
        author: 'bill.sole@demo.example',
        minutesAfterStart: 95,
        body: `From the Board's side: the priority is the needs of industry, and developing solutions for them. NZBED is keen to support innovative approaches like the ones shared at the workshop, as long as they align with its quality assurance practices.`,
      },
      {
        author: 'project.manager@demo.example',
        minutesAfterStart: 240,
        body: `One data point from Otago Polytechnic: EduBits are to be jointly awarded with NZQA as equivalent to a specified credit value and level on the NZQF. Having a credit value and a level is what makes it possible to talk about stacking at all.

@Brenden Mischewski, should we bring this to the workshop on pilot results?`,
      },
      {
        author: 'brenden.mischewski@demo.example',
        minutesAfterStart: 300,
        body: 'Yes, let us put it on the agenda: stacking into the NZDE and BEngTech is already one of the items.',
      },
    ],
  },
  {
    category: 'pilots-and-case-studies',
    title: 'What employers made of the BCITO micro-credential trials',
    daysAgo: 6,
    posts: [
      {
        author: 'member@demo.example',
        minutesAfterStart: 0,
        body: `BCITO found considerable interest in micro-credentials from employers across a variety of organisations. The initial trials attracted **150 enrolments**, and 80% of them were associated with employers and trainees new to industry training.

Has anyone else seen micro-credentials reach people who were not in industry training before?`,
      },
      {
        author: 'coordinator@demo.example',
        minutesAfterStart: 180,
        body: `That is the pattern the pilots hoped for: all of them view micro-credentials as a tool to upskill workers and attract new learners into engineering education. The Primary ITO presenter made a related point, that micro-credentials give employers a clear signal about their employees' skills and competencies.`,
      },
    ],
  },
  {
    category: 'workshops',
    title: 'Ideas for the workshop on pilot approaches and emerging results',
    subject: { type: 'workshop', workshopSlug: 'sharing-pilot-approaches-and-emerging-results' },
    daysAgo: 3,
    posts: [
      {
        author: 'coordinator@demo.example',
        minutesAfterStart: 0,
        body: 'This workshop is for project managers to share the approaches and the emerging results of the engineering education micro-credential pilots. What would you most like to hear about?',
      },
      {
        author: 'terry.shubkin@demo.example',
        minutesAfterStart: 60,
        body: 'From the Young Enterprise side: how the pilots keep the learning authentic and hands-on. With YES, students learn by doing, and that is where the value comes from.',
      },
    ],
  },
];

export function seedDiscussions(tx: Tx): void {
  for (const [position, c] of CATEGORIES.entries()) {
    tx.insert(discussionCategories)
      .values({ ...c, position })
      .onConflictDoUpdate({ target: discussionCategories.slug, set: { name: c.name, description: c.description } })
      .run();
  }
  const categoryId = (slug: string) => tx.select({ id: discussionCategories.id }).from(discussionCategories).where(eq(discussionCategories.slug, slug)).get()!.id;
  const userId = (email: string) => tx.select({ id: users.id }).from(users).where(eq(users.email, email)).get()?.id;
  const now = Date.now();

  for (const t of THREADS) {
    if (tx.select({ id: threads.id }).from(threads).where(eq(threads.title, t.title)).get()) continue;
    const authors = t.posts.map((p) => userId(p.author));
    if (authors.some((id) => id === undefined)) continue; // a demo person is missing: leave this thread out
    let subjectId: number | null = null;
    if (t.subject) {
      subjectId = tx.select({ id: workshops.id }).from(workshops).where(eq(workshops.slug, t.subject.workshopSlug)).get()?.id ?? null;
    }
    const start = now - t.daysAgo * 24 * 3600_000;
    const times = t.posts.map((p) => start + p.minutesAfterStart * 60_000);
    const thread = tx
      .insert(threads)
      .values({
        categoryId: categoryId(t.category),
        title: t.title,
        authorId: authors[0]!,
        subjectType: subjectId ? t.subject!.type : null,
        subjectId,
        pinnedAt: t.pinned ? start : null,
        postCount: t.posts.length,
        lastPostAt: times[times.length - 1]!,
        createdAt: start,
      })
      .returning({ id: threads.id })
      .get();
    let lastPostId = 0;
    t.posts.forEach((p, i) => {
      lastPostId = tx
        .insert(posts)
        .values({ threadId: thread.id, authorId: authors[i]!, number: i + 1, bodyMd: p.body, bodyHtml: renderMarkdown(p.body), createdAt: times[i]! })
        .returning({ id: posts.id })
        .get().id;
    });
    tx.update(threads).set({ lastPostId }).where(eq(threads.id, thread.id)).run();
    // Everyone who posted watches the thread and has read it to the end: a fresh demo sends no backlog of mail.
    for (const id of new Set(authors as number[])) {
      const exists = tx.select({ userId: threadWatches.userId }).from(threadWatches).where(and(eq(threadWatches.userId, id), eq(threadWatches.threadId, thread.id))).get();
      if (!exists) tx.insert(threadWatches).values({ userId: id, threadId: thread.id, level: 'watching', notifiedThroughNumber: t.posts.length }).run();
      tx.insert(threadReads).values({ userId: id, threadId: thread.id, lastReadNumber: t.posts.length, updatedAt: times[times.length - 1]! }).onConflictDoNothing().run();
    }
  }
}
