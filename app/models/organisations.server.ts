import { and, asc, eq, inArray, isNull, ne, sql } from 'drizzle-orm';
import { z } from 'zod';
import { db } from '../../db/client.server';
import { ORGANISATION_KINDS, organisationEmailDomains, organisations, users, type OrganisationKind } from '../../db/schema';
import { field, type FieldErrors } from '~/utils/validation.server';
import { slugify } from '~/utils/labels';
import { recordAudit } from './audit.server';
import type { SessionUser } from '~/utils/auth.server';

export const organisationSchema = z.object({
  name: field.text('the organisation name', 150),
  kind: z.enum(ORGANISATION_KINDS, { error: 'Choose the kind of organisation.' }),
  description: field.optionalText('the description', 2000),
  website: z
    .string()
    .optional()
    .transform((s) => (s ?? '').trim())
    .pipe(
      z.union([
        z.literal(''),
        z.url({ protocol: /^https?$/, error: 'Enter a web address starting with https://.' }).max(300),
      ]),
    ),
});
export type OrganisationInput = z.infer<typeof organisationSchema>;

export function listOrganisations() {
  return db
    .select({
      id: organisations.id,
      slug: organisations.slug,
      name: organisations.name,
      kind: organisations.kind,
      description: organisations.description,
      // Qualified by hand: drizzle renders ${organisations.id} as a bare "id" in a one-table select, which inside
      // this subquery would mean u.id and count the wrong people.
      memberCount: sql<number>`(select count(*) from users u where u.organisation_id = "organisations"."id" and u.deactivated_at is null)`,
    })
    .from(organisations)
    .orderBy(asc(organisations.name))
    .all();
}

export function listOrganisationsByKind() {
  const groups = new Map<OrganisationKind, ReturnType<typeof listOrganisations>>();
  for (const kind of ORGANISATION_KINDS) groups.set(kind, []);
  for (const org of listOrganisations()) groups.get(org.kind)!.push(org);
  return [...groups].filter(([, orgs]) => orgs.length > 0).map(([kind, orgs]) => ({ kind, organisations: orgs }));
}

export function organisationOptions() {
  return db.select({ id: organisations.id, name: organisations.name }).from(organisations).orderBy(asc(organisations.name)).all();
}

export function getOrganisationById(id: number) {
  return db.select().from(organisations).where(eq(organisations.id, id)).get();
}

export function getOrganisationBySlug(slug: string) {
  const org = db.select().from(organisations).where(eq(organisations.slug, slug)).get();
  if (!org) return undefined;
  const people = db
    .select({ id: users.id, name: users.name, role: users.role, jobTitle: users.jobTitle })
    .from(users)
    .where(and(eq(users.organisationId, org.id), isNull(users.deactivatedAt)))
    .orderBy(asc(users.name))
    .all();
  return { ...org, people };
}

function uniqueSlug(name: string, exceptId?: number): string {
  const base = slugify(name);
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? base : `${base}-${n}`;
    const clash = db
      .select({ id: organisations.id })
      .from(organisations)
      .where(exceptId ? and(eq(organisations.slug, candidate), ne(organisations.id, exceptId)) : eq(organisations.slug, candidate))
      .get();
    if (!clash) return candidate;
  }
}

export type OrganisationOutcome = { ok: true; id: number; slug: string } | { ok: false; errors: FieldErrors };

function nameTaken(name: string, exceptId?: number) {
  return db
    .select({ id: organisations.id })
    .from(organisations)
    .where(
      exceptId
        ? and(sql`lower(${organisations.name}) = lower(${name})`, ne(organisations.id, exceptId))
        : sql`lower(${organisations.name}) = lower(${name})`,
    )
    .get();
}

export function createOrganisation(actor: SessionUser | null, input: OrganisationInput): OrganisationOutcome {
  return db.transaction((tx) => {
    if (nameTaken(input.name)) return { ok: false, errors: { name: ['An organisation with that name already exists.'] } };
    const slug = uniqueSlug(input.name);
    const row = tx
      .insert(organisations)
      .values({ ...input, website: input.website || null, slug })
      .returning({ id: organisations.id })
      .get();
    recordAudit(tx, { actorId: actor?.id ?? null, action: 'organisation.create', targetType: 'organisation', targetId: row.id, summary: `Created organisation ${input.name}` });
    return { ok: true, id: row.id, slug };
    // Immediate: the name check and the insert hold the write lock together, so two people adding the same name at
    // once get one organisation and a message (not a unique-constraint 500), and another process's commit between
    // the check and the insert cannot fail the lock upgrade (SQLITE_BUSY_SNAPSHOT).
  }, { behavior: 'immediate' });
}

export function updateOrganisation(actor: SessionUser, id: number, input: OrganisationInput): OrganisationOutcome {
  return db.transaction((tx) => {
    const existing = tx.select().from(organisations).where(eq(organisations.id, id)).get();
    if (!existing) return { ok: false, errors: { _form: ['That organisation no longer exists.'] } };
    if (nameTaken(input.name, id)) return { ok: false, errors: { name: ['An organisation with that name already exists.'] } };
    tx.update(organisations).set({ ...input, website: input.website || null }).where(eq(organisations.id, id)).run();
    recordAudit(tx, { actorId: actor.id, action: 'organisation.update', targetType: 'organisation', targetId: id, summary: `Updated organisation ${input.name}` });
    return { ok: true, id, slug: existing.slug };
  }, { behavior: 'immediate' });
}

// Single sign-on: which email domains and Entra ID tenant are this organisation's, and whether people signing in
// from them for the first time become members without a coordinator's approval (docs/decisions/010-single-sign-on.md).
const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
export const organisationSsoSchema = z.object({
  emailDomains: z
    .string()
    .optional()
    .transform((s) => [...new Set((s ?? '').toLowerCase().split(/[\s,;]+/).map((d) => d.replace(/^@/, '')).filter(Boolean))])
    .pipe(
      z
        .array(z.string().regex(DOMAIN, { error: (issue) => `“${String(issue.input)}” is not an email domain (like example.ac.nz).` }))
        .max(20, { error: 'At most 20 domains.' }),
    ),
  entraTenantId: z
    .string()
    .optional()
    .transform((s) => (s ?? '').trim().toLowerCase())
    .pipe(z.union([z.literal(''), z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, { error: 'A tenant id looks like 72f988bf-86f1-41af-91ab-2d7cd011db47.' })])),
  ssoAutoApprove: z
    .string()
    .optional()
    .transform((s) => s === 'on'),
});
type OrganisationSsoInput = z.infer<typeof organisationSsoSchema>;

export function getOrganisationSso(id: number) {
  const org = db.select({ entraTenantId: organisations.entraTenantId, ssoAutoApprove: organisations.ssoAutoApprove }).from(organisations).where(eq(organisations.id, id)).get();
  if (!org) return undefined;
  const domains = db
    .select({ domain: organisationEmailDomains.domain })
    .from(organisationEmailDomains)
    .where(eq(organisationEmailDomains.organisationId, id))
    .orderBy(asc(organisationEmailDomains.domain))
    .all()
    .map((d) => d.domain);
  return { emailDomains: domains, entraTenantId: org.entraTenantId ?? '', ssoAutoApprove: org.ssoAutoApprove };
}

export function updateOrganisationSso(actor: SessionUser, id: number, input: OrganisationSsoInput): OrganisationOutcome {
  return db.transaction(
    (tx): OrganisationOutcome => {
      const existing = tx.select({ name: organisations.name, slug: organisations.slug }).from(organisations).where(eq(organisations.id, id)).get();
      if (!existing) return { ok: false, errors: { _form: ['That organisation no longer exists.'] } };
      if (input.emailDomains.length) {
        const taken = tx
          .select({ domain: organisationEmailDomains.domain, name: organisations.name })
          .from(organisationEmailDomains)
          .innerJoin(organisations, eq(organisations.id, organisationEmailDomains.organisationId))
          .where(and(inArray(organisationEmailDomains.domain, input.emailDomains), ne(organisationEmailDomains.organisationId, id)))
          .all();
        if (taken.length) return { ok: false, errors: { emailDomains: taken.map((t) => `${t.domain} already belongs to ${t.name}.`) } };
      }
      if (input.entraTenantId) {
        const taken = tx
          .select({ name: organisations.name })
          .from(organisations)
          .where(and(eq(organisations.entraTenantId, input.entraTenantId), ne(organisations.id, id)))
          .get();
        if (taken) return { ok: false, errors: { entraTenantId: [`That tenant already belongs to ${taken.name}.`] } };
      }
      tx.update(organisations).set({ entraTenantId: input.entraTenantId || null, ssoAutoApprove: input.ssoAutoApprove }).where(eq(organisations.id, id)).run();
      tx.delete(organisationEmailDomains).where(eq(organisationEmailDomains.organisationId, id)).run();
      if (input.emailDomains.length) tx.insert(organisationEmailDomains).values(input.emailDomains.map((domain) => ({ domain, organisationId: id }))).run();
      recordAudit(tx, {
        actorId: actor.id,
        action: 'organisation.sso',
        targetType: 'organisation',
        targetId: id,
        summary: `Single sign-on for ${existing.name}: domains ${input.emailDomains.join(', ') || 'none'}; Entra tenant ${input.entraTenantId || 'none'}; ${input.ssoAutoApprove ? 'approves its staff automatically' : 'a coordinator approves each request'}`,
      });
      return { ok: true, id, slug: existing.slug };
    },
    { behavior: 'immediate' },
  );
}
