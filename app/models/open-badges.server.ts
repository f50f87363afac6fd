// The micro-credential register as 1EdTech Open Badges 3.0 `Achievement`s (JSON-LD) and as CSV. The machine-readable
// register is the public register: only micro-credentials anyone may see (a public, published pilot's, or one that
// belongs to no pilot), whoever asks, because these files are made to be copied into other systems.
// See docs/decisions/013-standard-forms.md.
import { inArray } from 'drizzle-orm';
import { db } from '../../db/client.server';
import { caseStudies, organisations } from '../../db/schema';
import { absoluteUrl } from '~/utils/env.server';
import { DELIVERY_LABELS, NZQA_STATUS_LABELS, type DeliveryMode } from './case-study-fields';
import { listMicroCredentials, type MicroCredentialListItem } from './micro-credentials.server';

const OB3_CONTEXT = ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'] as const;
const NZQF_FRAMEWORK = 'New Zealand Qualifications and Credentials Framework';
/** NZQA's description of the framework and its levels (the alignment's official description). */
const NZQF_URL = 'https://www.nzqa.govt.nz/nzqf/';

type Alignment = { type: ['Alignment']; targetName: string; targetUrl: string; targetFramework: string; targetCode?: string; targetType?: string };
type Achievement = {
  '@context': readonly string[];
  type: ['Achievement'];
  id: string;
  name: string;
  description: string;
  criteria: { id: string; narrative: string };
  achievementType: 'MicroCredential';
  creditsAvailable?: number;
  fieldOfStudy?: string;
  humanCode?: string;
  creator: { id: string; type: ['Profile']; name: string; url: string };
  alignment: Alignment[];
  image?: { id: string; type: 'Image'; caption: string };
  inLanguage: 'en-NZ';
};

/** The register entry's page; its Achievement is at the same address with `.json`. */
export const registerEntryPath = (id: number) => `/micro-credentials/${id}`;

type PilotFacts = { solution: string; targetAudience: string; delivery: string };

function firstParagraph(text: string, max = 600): string {
  const p = text.split(/\n{2,}/)[0]?.trim() ?? '';
  return p.length > max ? `${p.slice(0, max - 1).trimEnd()}…` : p;
}

function achievementOf(m: MicroCredentialListItem, pilot: PilotFacts | undefined, website: string | null): Achievement {
  const id = absoluteUrl(registerEntryPath(m.id));
  const facts = [m.credits !== null ? `${m.credits} credits` : null, m.nzqfLevel !== null ? `NZQF Level ${m.nzqfLevel}` : null].filter(Boolean).join(' at ');
  const description = [
    `${m.name}: a micro-credential offered by ${m.providerName}${facts ? ` (${facts})` : ''}.`,
    pilot?.solution ? firstParagraph(pilot.solution) : '',
  ]
    .filter(Boolean)
    .join(' ');
  const delivery = (pilot?.delivery ?? '')
    .split(',')
    .filter((d): d is DeliveryMode => d in DELIVERY_LABELS)
    .map((d) => DELIVERY_LABELS[d].toLowerCase());
  const narrative = [
    `Awarded by ${m.providerName} to learners who complete ${m.name} and meet its assessment requirements.`,
    pilot?.targetAudience ? `Intended for: ${firstParagraph(pilot.targetAudience, 300)}` : '',
    delivery.length ? `Delivered through ${delivery.join(', ')}.` : '',
    `NZQA: ${NZQA_STATUS_LABELS[m.nzqaStatus]}${m.nzqaReference ? ` (${m.nzqaReference})` : ''}.`,
  ]
    .filter(Boolean)
    .join('\n\n');
  const alignment: Alignment[] = [];
  if (m.nzqfLevel !== null) {
    alignment.push({ type: ['Alignment'], targetName: `Level ${m.nzqfLevel}`, targetFramework: NZQF_FRAMEWORK, targetCode: String(m.nzqfLevel), targetUrl: NZQF_URL });
  }
  for (const s of m.stacking) {
    alignment.push({
      type: ['Alignment'],
      targetName: s.name,
      targetFramework: NZQF_FRAMEWORK,
      targetCode: s.code,
      targetType: 'ceterms:Credential',
      targetUrl: absoluteUrl(`/pathways/${s.code}`),
    });
  }
  const orgUrl = absoluteUrl(`/organisations/${m.providerSlug}`);
  return {
    '@context': OB3_CONTEXT,
    type: ['Achievement'],
    id,
    name: m.name,
    description,
    criteria: { id, narrative },
    achievementType: 'MicroCredential',
    ...(m.credits !== null ? { creditsAvailable: m.credits } : {}),
    ...(m.fieldOfStudy ? { fieldOfStudy: m.fieldOfStudy } : {}),
    ...(m.nzqaReference ? { humanCode: m.nzqaReference } : {}),
    creator: { id: orgUrl, type: ['Profile'], name: m.providerName, url: website || orgUrl },
    alignment,
    ...(m.imageUrl ? { image: { id: m.imageUrl, type: 'Image' as const, caption: m.name } } : {}),
    inLanguage: 'en-NZ',
  };
}

function achievementsFor(items: MicroCredentialListItem[]): Achievement[] {
  const pilotIds = [...new Set(items.map((m) => m.caseStudyId).filter((id): id is number => id !== null))];
  const providerIds = [...new Set(items.map((m) => m.providerId))];
  const pilots = new Map(
    pilotIds.length
      ? db
          .select({ id: caseStudies.id, solution: caseStudies.solution, targetAudience: caseStudies.targetAudience, delivery: caseStudies.delivery })
          .from(caseStudies)
          .where(inArray(caseStudies.id, pilotIds))
          .all()
          .map((p) => [p.id, p] as const)
      : [],
  );
  const websites = new Map(
    providerIds.length
      ? db.select({ id: organisations.id, website: organisations.website }).from(organisations).where(inArray(organisations.id, providerIds)).all().map((o) => [o.id, o.website] as const)
      : [],
  );
  return items.map((m) => achievementOf(m, m.caseStudyId === null ? undefined : pilots.get(m.caseStudyId), websites.get(m.providerId) ?? null));
}

/** The public register entries, in register order. */
function publicRegister(): MicroCredentialListItem[] {
  return listMicroCredentials(null);
}

/** Every public register entry as an Achievement. */
export function publicAchievements(): Achievement[] {
  return achievementsFor(publicRegister());
}

/** One public register entry as an Achievement; undefined when there is none anyone may see. */
export function publicAchievement(id: number): Achievement | undefined {
  return achievementsFor(listMicroCredentials(null, { id }))[0];
}

/** The public register as spreadsheet rows (header first): one row per micro-credential, its stacking in one cell. */
export function publicRegisterRows(): (string | number | null)[][] {
  const header = ['Micro-credential', 'Provider', 'Credits', 'NZQF level', 'NZQA status', 'NZQA reference', 'Field of study', 'Stacks into', 'Pilot', 'Address'];
  return [
    header,
    ...publicRegister().map((m) => [
      m.name,
      m.providerName,
      m.credits,
      m.nzqfLevel,
      NZQA_STATUS_LABELS[m.nzqaStatus],
      m.nzqaReference,
      m.fieldOfStudy,
      m.stacking.map((s) => `${s.name} (${s.credits} credits)`).join('; '),
      m.caseStudyTitle ?? '',
      absoluteUrl(registerEntryPath(m.id)),
    ]),
  ];
}
