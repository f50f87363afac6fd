// The demo community, from the two articles in ../shared/seeds. Only what the articles say; unknowns stay empty.
// `npm run db:seed` is idempotent (upserts by slug and email); `npm run db:reset` deletes the database first.
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import { eq } from 'drizzle-orm';
import { hashPassword } from '../app/utils/password.server';
import { slugify } from '../app/utils/labels';
import type { OrganisationKind, Role } from './schema';
import { databasePath } from './path';

export const DEMO_PASSWORD = 'stack-the-credentials';

type SeedOrganisation = { name: string; kind: OrganisationKind; description: string; website?: string };
const ORGANISATIONS: SeedOrganisation[] = [
  {
    name: 'Engineering e2e',
    kind: 'other',
    description:
      'Funded research into micro-credentials and how they might improve the uptake of engineering education in New Zealand, particularly of the New Zealand Diploma in Engineering. Set up the micro-credentials community of practice in 2018.',
  },
  {
    name: 'Otago Polytechnic',
    kind: 'itp',
    description:
      'Has significant experience in the assessment and recognition of prior learning and launched a micro-credential service called EduBits, developed with industry partners.',
  },
  {
    name: 'BCITO',
    kind: 'ito',
    description: 'Building & Construction Industry Training Organisation. Found considerable interest in micro-credentials from employers across a variety of organisations.',
  },
  {
    name: 'Primary ITO',
    kind: 'ito',
    description: 'Noted that industry support was central to developing micro-credentials, and that they give employers a clear signal about their employees’ skills and competencies.',
  },
  {
    name: 'MITO',
    kind: 'ito',
    description: 'Motor Industry Training Organisation. Developed micro-credentials using eLearning modules and practical assessments for secondary school students in the Startup programme.',
  },
  {
    name: 'New Zealand Board of Engineering Diplomas',
    kind: 'nzbed',
    description: 'NZBED. Keen to support innovative approaches to micro-credentials that align with its quality assurance practices, with a focus on the needs of industry.',
  },
  {
    name: 'Tertiary Education Commission',
    kind: 'tec',
    description: 'TEC is investing in micro-credentials, funding five pilots of micro-credentials in engineering, and inviting tertiary education organisations to apply for funding.',
  },
  {
    name: 'New Zealand Qualifications Authority',
    kind: 'nzqa',
    description: 'NZQA ran micro-credential pilot projects with three organisations from 1 August 2017 to 30 June 2018, to understand the role micro-credentials could play in New Zealand’s education, training and qualification system.',
  },
  {
    name: 'Udacity',
    kind: 'industry',
    description: 'An online education company working with industry leaders. Its Self-Driving Car Engineer Nanodegree was assessed by NZQA in a pilot.',
  },
  {
    name: 'Young Enterprise',
    kind: 'other',
    description: 'A non-governmental organisation helping young people thrive in business and in life; runs The Lion Foundation Young Enterprise Scheme (YES).',
  },
  { name: 'Engineering New Zealand', kind: 'professional_body', description: '' },
];

type SeedPerson = { email: string; name: string; organisation: string; role: Role; jobTitle?: string; bio?: string; interests?: string; demoRole?: string };
const PEOPLE: SeedPerson[] = [
  { email: 'coordinator@demo.example', name: 'Demo Coordinator', organisation: 'Engineering e2e', role: 'coordinator', jobTitle: 'Community of practice coordinator', interests: 'workshops, stacking, quality assurance', demoRole: 'coordinator' },
  { email: 'project.manager@demo.example', name: 'Demo Project Manager', organisation: 'Otago Polytechnic', role: 'project_manager', jobTitle: 'Pilot project manager', interests: 'EduBits, recognition of prior learning', demoRole: 'project manager' },
  { email: 'member@demo.example', name: 'Demo Member', organisation: 'BCITO', role: 'member', jobTitle: '', interests: 'construction, employer engagement', demoRole: 'member' },
  {
    email: 'brenden.mischewski@demo.example',
    name: 'Brenden Mischewski',
    organisation: 'Engineering e2e',
    role: 'project_manager',
    jobTitle: 'Project Manager, Engineering e2e micro-credentials initiative',
    bio: 'Set up the micro-credentials community of practice. Wrote the 2019 report “Micro-credentials in engineering education” as background for the NZBED.',
    interests: 'micro-credentials, NZDE, stacking',
  },
  { email: 'bill.sole@demo.example', name: 'Bill Sole', organisation: 'New Zealand Board of Engineering Diplomas', role: 'member', bio: 'Shared the Board’s perspectives on micro-credentials at the community of practice workshop.', interests: 'quality assurance, industry needs' },
  { email: 'jo.brady@demo.example', name: 'Jo Brady', organisation: 'Otago Polytechnic', role: 'member', jobTitle: 'Deputy Chief Executive People, Performance and Development', interests: 'EduBits' },
  { email: 'terry.shubkin@demo.example', name: 'Terry Shubkin', organisation: 'Young Enterprise', role: 'member', jobTitle: 'Chief Excitement Officer', interests: 'Young Enterprise Scheme, NCEA' },
];

export async function seed(): Promise<void> {
  const { db } = await import('./client.server');
  const { organisations, users } = await import('./schema');
  const { seedWorkshops } = await import('./seed-workshops');
  const { seedCaseStudies } = await import('./seed-case-studies');
  const { seedDiscussions } = await import('./seed-discussions');
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  db.transaction((tx) => {
    for (const org of ORGANISATIONS) {
      const slug = slugify(org.name);
      tx.insert(organisations)
        .values({ ...org, slug, website: org.website ?? null })
        .onConflictDoUpdate({ target: organisations.slug, set: { name: org.name, kind: org.kind, description: org.description } })
        .run();
    }
    const orgIds = new Map(tx.select({ id: organisations.id, name: organisations.name }).from(organisations).all().map((o) => [o.name, o.id]));
    for (const person of PEOPLE) {
      const values = {
        email: person.email,
        name: person.name,
        organisationId: orgIds.get(person.organisation)!,
        role: person.role,
        jobTitle: person.jobTitle ?? '',
        bio: person.bio ?? '',
        interests: person.interests ?? '',
        // The demo coordinator's second-factor grace period (MFA_GRACE_DAYS) starts at each seed.
        roleGivenAt: person.role === 'coordinator' ? Date.now() : null,
      };
      const existing = tx.select({ id: users.id }).from(users).where(eq(users.email, person.email)).get();
      if (existing) tx.update(users).set(values).where(eq(users.id, existing.id)).run();
      else tx.insert(users).values({ ...values, passwordHash, emailVerifiedAt: Date.now() }).run();
    }
    seedWorkshops(tx);
    seedCaseStudies(tx);
    seedDiscussions(tx);
  });
  const { seedResources } = await import('./seed-resources');
  await seedResources(db);
}

/** Seeds only a database with no people in it, so `npm start` never overwrites real data. */
export async function seedIfEmpty(): Promise<boolean> {
  const { sqlite } = await import('./client.server');
  const { n } = sqlite.prepare('select count(*) as n from users').get() as { n: number };
  if (n > 0) {
    // `npm start` on an older demo database: the demo coordinator, if still without a second factor, gets a new
    // grace period, so it signs in with the password alone as the README promises (docs/decisions/011).
    sqlite
      .prepare(
        `update users set role_given_at = cast(unixepoch('subsec') * 1000 as integer)
         where role = 'coordinator' and email like '%@demo.example'
           and not exists (select 1 from passkeys p where p.user_id = users.id)
           and not exists (select 1 from totp_credentials t where t.user_id = users.id and t.confirmed_at is not null)`,
      )
      .run();
    return false;
  }
  await seed();
  return true;
}

export function printDemoSignIns(): void {
  const rows = PEOPLE.filter((p) => p.demoRole);
  console.log('\nDemo sign-ins (password for each: ' + DEMO_PASSWORD + ')');
  for (const p of rows) console.log(`  ${p.demoRole!.padEnd(16)} ${p.email}`);
  console.log('');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  if (process.argv.includes('--reset')) {
    const file = databasePath(); // found without opening it, so the file can be deleted first

    for (const suffix of ['', '-wal', '-shm']) fs.rmSync(file + suffix, { force: true });
  }
  await seed();
  console.log('Demo community seeded.');
  printDemoSignIns();
}
