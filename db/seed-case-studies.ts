// Demo pilots, micro-credentials and qualifications, from the two seed articles and only what they say: fields the
// articles do not give stay empty (no credit value for EduBits, no total for NCEA, no invented problems or figures).
// Idempotent: case studies are upserted by slug, their partners, tags and outcomes replaced, micro-credentials
// upserted by name within their pilot, and the first-published revision added once.
import { and, eq } from 'drizzle-orm';
import { FIRST_PUBLISHED, loadCaseStudyDetail, snapshotOf } from '../app/models/case-studies.server';
import type { DeliveryMode } from '../app/models/case-study-fields';
import { renderMarkdown } from '../app/utils/markdown.server';
import { parseDateInput } from '../app/utils/time';
import type { DB } from './client.server';
import {
  caseStudies,
  caseStudyManagers,
  caseStudyOutcomes,
  caseStudyPartners,
  caseStudyRevisions,
  caseStudyTags,
  microCredentialStacking,
  microCredentials,
  organisations,
  qualifications,
  users,
  type CaseStudyStatus,
} from './schema';

type Tx = Parameters<Parameters<DB['transaction']>[0]>[0];

const day = (iso: string) => {
  const parsed = parseDateInput(iso);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.date.getTime();
};

const QUALIFICATIONS = [
  { code: 'nzde', name: 'New Zealand Diploma in Engineering (NZDE)', totalCredits: 240, nzqfLevel: 6 },
  { code: 'bengtech', name: 'Bachelor of Engineering Technology (BEngTech)', totalCredits: 360, nzqfLevel: 7 },
  // The articles say YES credits "can be used toward NCEA" at Level 3; they give no total, so none is stored.
  { code: 'ncea', name: 'National Certificate of Educational Achievement (NCEA)', totalCredits: null, nzqfLevel: 3 },
];

type SeedMicroCredential = { name: string; provider: string; credits: number | null; nzqfLevel: number | null; fieldOfStudy?: string; stacking: { qualification: string; credits: number }[] };
type SeedCaseStudy = {
  slug: string;
  title: string;
  lead: string;
  partners: string[];
  managers: string[];
  status: CaseStudyStatus;
  startsOn: string | null;
  endsOn: string | null;
  funder: string;
  targetAudience: string;
  problem: string;
  solution: string;
  delivery: DeliveryMode[];
  outcomes: { label: string; value: number | null; unit: string }[];
  lessonsLearned: string;
  bodyMd: string;
  tags: string[];
  microCredentials: SeedMicroCredential[];
};

const NZQA_PILOT_PURPOSE =
  'One of three NZQA micro-credential pilots (1 August 2017 to 30 June 2018), which enable NZQA to better understand the role micro-credentials could play in New Zealand’s education, training and qualification system of the future.';

const CASE_STUDIES: SeedCaseStudy[] = [
  {
    slug: 'udacity-self-driving-car-engineer-nanodegree',
    title: 'Udacity Self-Driving Car Engineer Nanodegree',
    lead: 'Udacity',
    partners: ['New Zealand Qualifications Authority'],
    managers: [],
    // The pilots concluded on 30 June 2018.
    status: 'completed',
    startsOn: '2017-08-01',
    endsOn: '2018-06-30',
    funder: 'NZQA pilot',
    targetAudience: '',
    problem: NZQA_PILOT_PURPOSE,
    solution:
      'The Self-Driving Car Engineer Nanodegree programme covers deep learning, computer vision, sensor fusion, controllers, and related automotive hardware skills, and takes nine months of part-time study.',
    delivery: ['online'],
    outcomes: [],
    lessonsLearned: '',
    bodyMd:
      'Udacity worked with Mercedes Benz, BMW, NVIDIA, McLaren Applied Technologies and other global automotive industry leaders to identify the skills they need to support transportation in a digital world. These companies have recognised the Udacity Nanodegree programme as a credential for hiring students ready to join the workforce.\n\n' +
      'The Self-Driving Car Engineer Nanodegree is a micro-credential that has been assessed by NZQA for the purposes of this pilot as equivalent to a **60 credit package of learning at Level 9** (Masters level) on the New Zealand Qualifications Framework (NZQF).',
    tags: ['nzqa pilot', 'automotive'],
    microCredentials: [{ name: 'Self-Driving Car Engineer Nanodegree', provider: 'Udacity', credits: 60, nzqfLevel: 9, fieldOfStudy: 'Automotive and autonomous vehicle engineering', stacking: [] }],
  },
  {
    slug: 'otago-polytechnic-edubits',
    title: 'Otago Polytechnic EduBits',
    lead: 'Otago Polytechnic',
    partners: ['New Zealand Qualifications Authority'],
    managers: ['project.manager@demo.example'],
    status: 'completed',
    startsOn: '2017-08-01',
    endsOn: '2018-06-30',
    funder: 'NZQA pilot',
    targetAudience: 'People who want recognition of career-relevant skills without taking time off work for study.',
    problem: NZQA_PILOT_PURPOSE,
    solution:
      'EduBits, a micro-credential service, recognise sets of skills and knowledge to enable just-in-time workforce upskilling and reskilling, and are being developed in conjunction with industry partners. Otago Polytechnic and NZQA will jointly award EduBits as equivalent to a specified credit value and Level on the NZQF.',
    delivery: [],
    outcomes: [],
    lessonsLearned: '',
    bodyMd:
      'Otago Polytechnic has significant experience in the assessment and recognition of prior learning. It offers a wide range of EduBits, from business and professional capabilities to Health & Safety in farming.\n\n' +
      '> EduBits are a great way for people to gain recognition of career-relevant skills without taking time off work for study. They’re ideal for personal and professional development, and can be gained as-and-when needed.\n\n' +
      '— Jo Brady, Otago Polytechnic Deputy Chief Executive People, Performance and Development',
    tags: ['nzqa pilot', 'recognition of prior learning', 'upskilling'],
    // The articles give no credit value or level for EduBits.
    microCredentials: [{ name: 'EduBits', provider: 'Otago Polytechnic', credits: null, nzqfLevel: null, stacking: [] }],
  },
  {
    slug: 'young-enterprise-scheme',
    title: 'The Lion Foundation Young Enterprise Scheme (YES)',
    lead: 'Young Enterprise',
    partners: ['New Zealand Qualifications Authority'],
    managers: [],
    status: 'completed',
    startsOn: '2017-08-01',
    endsOn: '2018-06-30',
    funder: 'NZQA pilot',
    targetAudience: 'Secondary school students.',
    problem: NZQA_PILOT_PURPOSE,
    solution:
      'Students set up and run a real business while in secondary school, creating a product or service and bringing it to market. They learn about business planning and operations, develop a range of personal and business skills, and create valuable networks within their community, supported by their teachers and by business people who volunteer as mentors.',
    delivery: ['classroom', 'other'],
    outcomes: [{ label: 'Students taking part each year (approximately), from over 180 schools', value: 3700, unit: 'students' }],
    lessonsLearned: '',
    bodyMd:
      'YES can be offered as a timetabled course in schools or as an extracurricular option.\n\n' +
      '> The value of YES comes from it being an authentic, hands-on learning experience. Students have the opportunity to learn by doing.\n\n' +
      '— Terry Shubkin, Young Enterprise Chief Excitement Officer\n\n' +
      'The YES certificate contributes **24 credits at Level 3** on the NZQF that can be used toward NCEA.',
    tags: ['nzqa pilot', 'secondary school', 'business', 'ncea'],
    microCredentials: [{ name: 'YES certificate', provider: 'Young Enterprise', credits: 24, nzqfLevel: 3, fieldOfStudy: 'Business and enterprise', stacking: [{ qualification: 'ncea', credits: 24 }] }],
  },
  {
    slug: 'bcito-micro-credential-trial',
    title: 'BCITO micro-credential trial',
    lead: 'BCITO',
    partners: [],
    managers: [],
    // The article reports the initial trials' enrolments; it does not say they have ended.
    status: 'running',
    startsOn: null,
    endsOn: null,
    funder: '',
    targetAudience: '',
    problem: '',
    solution: '',
    delivery: [],
    outcomes: [
      { label: 'Enrolments', value: 150, unit: '' },
      { label: 'Associated with employers and trainees new to industry training', value: 80, unit: '%' },
    ],
    lessonsLearned: 'BCITO found considerable interest in micro-credentials from employers across a variety of organisations.',
    bodyMd: '',
    tags: ['construction', 'employers'],
    microCredentials: [],
  },
  {
    slug: 'mito-startup-micro-credentials',
    title: 'MITO micro-credentials for secondary students in the Startup programme',
    lead: 'MITO',
    partners: [],
    managers: [],
    status: 'running',
    startsOn: null,
    endsOn: null,
    funder: '',
    targetAudience: 'Secondary school students in the Startup programme.',
    problem: '',
    solution:
      'Micro-credentials using eLearning modules and practical assessments, offered to secondary school students in the Startup programme: a partnership with schools and business to promote the automotive industry.',
    delivery: ['elearning', 'practical_assessment'],
    outcomes: [],
    lessonsLearned: '',
    bodyMd: '',
    tags: ['automotive', 'secondary school'],
    microCredentials: [],
  },
  {
    slug: 'primary-ito-micro-credentials',
    title: 'Primary ITO: implementing micro-credentials',
    lead: 'Primary ITO',
    partners: [],
    managers: [],
    status: 'running',
    startsOn: null,
    endsOn: null,
    funder: '',
    targetAudience: '',
    problem: '',
    solution: '',
    delivery: [],
    outcomes: [],
    lessonsLearned:
      'Industry support was central to development. Micro-credentials can be useful in providing a clear signal to employers about their employees’ skills and competencies.',
    bodyMd: '',
    tags: ['employers', 'industry support'],
    microCredentials: [],
  },
];

export function seedCaseStudies(tx: Tx) {
  for (const q of QUALIFICATIONS) {
    tx.insert(qualifications)
      .values(q)
      .onConflictDoUpdate({ target: qualifications.code, set: { name: q.name, totalCredits: q.totalCredits, nzqfLevel: q.nzqfLevel } })
      .run();
  }
  const qualificationId = (code: string) => tx.select({ id: qualifications.id }).from(qualifications).where(eq(qualifications.code, code)).get()!.id;
  const orgId = (name: string) => {
    const row = tx.select({ id: organisations.id }).from(organisations).where(eq(organisations.name, name)).get();
    if (!row) throw new Error(`Seed organisation missing: ${name}`);
    return row.id;
  };
  const coordinator = tx.select({ id: users.id }).from(users).where(eq(users.email, 'coordinator@demo.example')).get();

  for (const cs of CASE_STUDIES) {
    const existing = tx.select({ id: caseStudies.id, publishedAt: caseStudies.publishedAt }).from(caseStudies).where(eq(caseStudies.slug, cs.slug)).get();
    const now = Date.now();
    const columns = {
      title: cs.title,
      leadOrganisationId: orgId(cs.lead),
      status: cs.status,
      startsOn: cs.startsOn ? day(cs.startsOn) : null,
      endsOn: cs.endsOn ? day(cs.endsOn) : null,
      funder: cs.funder,
      fundingNotes: '',
      targetAudience: cs.targetAudience,
      problem: cs.problem,
      solution: cs.solution,
      delivery: cs.delivery.join(','),
      lessonsLearned: cs.lessonsLearned,
      bodyMd: cs.bodyMd,
      bodyHtml: renderMarkdown(cs.bodyMd),
      visibility: 'public' as const,
      publishedAt: existing?.publishedAt ?? now,
      updatedAt: now,
    };
    const id = existing
      ? (tx.update(caseStudies).set(columns).where(eq(caseStudies.id, existing.id)).run(), existing.id)
      : tx.insert(caseStudies).values({ ...columns, slug: cs.slug, createdById: coordinator?.id ?? null, createdAt: now }).returning({ id: caseStudies.id }).get().id;

    tx.delete(caseStudyPartners).where(eq(caseStudyPartners.caseStudyId, id)).run();
    for (const name of cs.partners) tx.insert(caseStudyPartners).values({ caseStudyId: id, organisationId: orgId(name) }).run();
    for (const email of cs.managers) {
      const user = tx.select({ id: users.id }).from(users).where(eq(users.email, email)).get();
      if (user) tx.insert(caseStudyManagers).values({ caseStudyId: id, userId: user.id }).onConflictDoNothing().run();
    }
    tx.delete(caseStudyOutcomes).where(eq(caseStudyOutcomes.caseStudyId, id)).run();
    cs.outcomes.forEach((o, position) => tx.insert(caseStudyOutcomes).values({ caseStudyId: id, position, label: o.label, value: o.value, unit: o.unit }).run());
    tx.delete(caseStudyTags).where(eq(caseStudyTags.caseStudyId, id)).run();
    for (const tag of cs.tags) tx.insert(caseStudyTags).values({ caseStudyId: id, tag }).run();

    for (const mc of cs.microCredentials) {
      const values = { name: mc.name, providerOrganisationId: orgId(mc.provider), credits: mc.credits, nzqfLevel: mc.nzqfLevel, fieldOfStudy: mc.fieldOfStudy ?? '', caseStudyId: id };
      const found = tx.select({ id: microCredentials.id }).from(microCredentials).where(and(eq(microCredentials.caseStudyId, id), eq(microCredentials.name, mc.name))).get();
      const mcId = found
        ? (tx.update(microCredentials).set(values).where(eq(microCredentials.id, found.id)).run(), found.id)
        : tx.insert(microCredentials).values(values).returning({ id: microCredentials.id }).get().id;
      tx.delete(microCredentialStacking).where(eq(microCredentialStacking.microCredentialId, mcId)).run();
      for (const s of mc.stacking) tx.insert(microCredentialStacking).values({ microCredentialId: mcId, qualificationId: qualificationId(s.qualification), credits: s.credits }).run();
    }

    const hasRevision = tx.select({ id: caseStudyRevisions.id }).from(caseStudyRevisions).where(eq(caseStudyRevisions.caseStudyId, id)).get();
    if (!hasRevision) {
      tx.insert(caseStudyRevisions)
        .values({ caseStudyId: id, editorId: coordinator?.id ?? null, snapshot: JSON.stringify(snapshotOf(loadCaseStudyDetail(tx, id)!)), changedFields: FIRST_PUBLISHED, createdAt: now })
        .run();
    }
  }
}
