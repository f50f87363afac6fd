import type { OrganisationKind } from '../../../db/schema';
import { DIGEST_SECTIONS, type DigestItemPayload, type DigestSection } from '../../../emails/digest';
import { oneLine } from '../../../emails/layout';
import { workshopPlaceText } from '../../../emails/workshop-rsvp';
import { absoluteUrl } from '~/utils/env.server';
import { ORGANISATION_KIND_SHORT } from '~/utils/labels';
import { excerpt, markdownToPlainText } from '~/utils/markdown.server';
import { formatDate, formatDateRange } from '~/utils/time';
import { CASE_STUDY_STATUS_LABELS } from '../case-study-fields';
import { RESOURCE_KIND_LABELS } from '../resources.server';
import { LIMITS, all, get } from './shared.server';

// Gathering what is new

export type GatheredItem = { itemKey: string; section: DigestSection; payload: DigestItemPayload };

export const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-NZ')} ${n === 1 ? one : many}`;
const short = (text: string, max = 180) => excerpt(oneLine(text), max);

/**
 * Everything new in [sinceAt, now): new and updated pilots (case studies), new micro-credentials, new resources,
 * upcoming workshops with seats left, decisions and action items from workshop records, the most active discussions
 * and new organisations and members. Items come in section order; each has a stable key ("case_study:12"), and
 * things that can happen again carry what happened in their key ("discussion:4:27" is thread 4 up to post 27).
 */
export function gatherDigestItems(sinceAt: number, now = Date.now()): GatheredItem[] {
  const items: GatheredItem[] = [];
  const push = (section: DigestSection, itemKey: string, payload: DigestItemPayload) => items.push({ section, itemKey, payload });

  // Upcoming workshops with seats left, soonest first.
  const workshops = all<{
    id: number; slug: string; title: string; summary: string; startsAt: number; endsAt: number; mode: 'in_person' | 'online' | 'hybrid';
    venue: string; capacity: number; audience: 'all' | 'organisations'; taken: number;
  }>(
    `select w.id, w.slug, w.title, w.summary, w.starts_at as startsAt, w.ends_at as endsAt, w.mode, w.venue, w.capacity, w.audience,
       (select count(*) from rsvps r where r.workshop_id = w.id and r.seat_status = 'confirmed') as taken
     from workshops w
     where w.status = 'scheduled' and w.starts_at > ? and (w.rsvp_deadline is null or w.rsvp_deadline > ?)
     order by w.starts_at, w.id`,
    now,
    now,
  ).filter((w) => w.capacity - w.taken > 0);
  for (const w of workshops.slice(0, LIMITS.workshops)) {
    const url = absoluteUrl(`/workshops/${w.slug}`);
    const audienceIds =
      w.audience === 'organisations'
        ? all<{ id: number }>('select organisation_id as id from workshop_audience_organisations where workshop_id = ?', w.id).map((r) => r.id)
        : null;
    const left = w.capacity - w.taken;
    push('workshops', `workshop:${w.id}`, {
      title: w.title,
      url,
      summary: short(markdownToPlainText(w.summary)),
      meta: `${formatDateRange(w.startsAt, w.endsAt)} · ${workshopPlaceText(w)} · ${plural(left, 'seat')} left`,
      organisationId: null,
      organisationName: null,
      action: { label: 'RSVP on the workshop page', url },
      audienceOrganisationIds: audienceIds,
      at: null,
    });
  }

  // Pilots published in the period.
  type CaseStudyRow = { id: number; slug: string; title: string; status: keyof typeof CASE_STUDY_STATUS_LABELS; problem: string; solution: string; bodyMd: string; at: number; orgId: number; orgName: string };
  const published = all<CaseStudyRow>(
    `select cs.id, cs.slug, cs.title, cs.status, cs.problem, cs.solution, cs.body_md as bodyMd, cs.published_at as at, o.id as orgId, o.name as orgName
     from case_studies cs join organisations o on o.id = cs.lead_organisation_id
     where cs.published_at >= ? and cs.published_at < ? and cs.visibility <> 'agencies'
     order by cs.published_at desc, cs.id desc limit ?`,
    sinceAt,
    now,
    LIMITS.caseStudies,
  );
  for (const cs of published) {
    push('case_studies', `case_study:${cs.id}`, {
      title: cs.title,
      url: absoluteUrl(`/case-studies/${cs.slug}`),
      summary: short(cs.problem || cs.solution || markdownToPlainText(cs.bodyMd)),
      meta: `New pilot · ${cs.orgName} · ${CASE_STUDY_STATUS_LABELS[cs.status] ?? cs.status}`,
      organisationId: cs.orgId,
      organisationName: cs.orgName,
      at: cs.at,
    });
  }
  // Pilots published earlier and revised in the period: the latest revision names the update.
  const updated = all<{ id: number; slug: string; title: string; status: keyof typeof CASE_STUDY_STATUS_LABELS; orgId: number; orgName: string; revisionId: number; at: number; changed: string }>(
    `select cs.id, cs.slug, cs.title, cs.status, o.id as orgId, o.name as orgName, max(r.id) as revisionId, max(r.created_at) as at,
       group_concat(r.changed_fields, ', ') as changed
     from case_study_revisions r
       join case_studies cs on cs.id = r.case_study_id
       join organisations o on o.id = cs.lead_organisation_id
     where r.created_at >= ? and r.created_at < ? and cs.published_at < ? and r.changed_fields <> 'First published' and cs.visibility <> 'agencies'
     group by cs.id order by at desc limit ?`,
    sinceAt,
    now,
    sinceAt,
    LIMITS.updates,
  );
  for (const cs of updated) {
    const fields = [...new Set(cs.changed.split(/,\s*/).filter(Boolean))];
    push('case_studies', `case_study:${cs.id}:revision:${cs.revisionId}`, {
      title: cs.title,
      url: absoluteUrl(`/case-studies/${cs.slug}`),
      summary: fields.length ? `Updated: ${fields.join(', ')}.` : 'Updated.',
      meta: `Updated pilot · ${cs.orgName} · ${CASE_STUDY_STATUS_LABELS[cs.status] ?? cs.status}`,
      organisationId: cs.orgId,
      organisationName: cs.orgName,
      at: cs.at,
    });
  }

  // Micro-credentials that became visible in the period (added, or their pilot was published).
  const credentials = all<{ id: number; name: string; credits: number | null; level: number | null; nzqaStatus: string; orgId: number; orgName: string; csSlug: string | null; csTitle: string | null; at: number }>(
    `select * from (
       select mc.id, mc.name, mc.credits, mc.nzqf_level as level, mc.nzqa_status as nzqaStatus, o.id as orgId, o.name as orgName,
         cs.slug as csSlug, cs.title as csTitle,
         case when mc.case_study_id is null then mc.created_at else max(mc.created_at, cs.published_at) end as at
       from micro_credentials mc
         join organisations o on o.id = mc.provider_organisation_id
         left join case_studies cs on cs.id = mc.case_study_id
       where mc.case_study_id is null or (cs.published_at is not null and cs.visibility <> 'agencies'))
     where at >= ? and at < ? order by at desc, id desc limit ?`,
    sinceAt,
    now,
    LIMITS.microCredentials,
  );
  const NZQA: Record<string, string> = { approved: 'NZQA approved', in_development: 'NZQA approval in development' };
  for (const mc of credentials) {
    const facts = [mc.level ? `Level ${mc.level}` : '', mc.credits ? plural(mc.credits, 'credit') : '', NZQA[mc.nzqaStatus] ?? ''].filter(Boolean);
    push('micro_credentials', `micro_credential:${mc.id}`, {
      title: mc.name,
      url: absoluteUrl(mc.csSlug ? `/case-studies/${mc.csSlug}` : `/micro-credentials?provider=${mc.orgId}`),
      summary: mc.csTitle ? `Part of the pilot “${oneLine(mc.csTitle)}”.` : '',
      meta: [mc.orgName, ...facts].join(' · '),
      organisationId: mc.orgId,
      organisationName: mc.orgName,
      at: mc.at,
    });
  }

  // New resources.
  const resources = all<{ id: number; title: string; kind: keyof typeof RESOURCE_KIND_LABELS; summary: string; authors: string; at: number; orgId: number | null; orgName: string | null }>(
    `select r.id, r.title, r.kind, r.summary, r.authors, r.created_at as at, o.id as orgId, o.name as orgName
     from resources r left join organisations o on o.id = r.organisation_id
     where r.created_at >= ? and r.created_at < ? and r.visibility <> 'agencies' order by r.created_at desc, r.id desc limit ?`,
    sinceAt,
    now,
    LIMITS.resources,
  );
  for (const r of resources) {
    push('resources', `resource:${r.id}`, {
      title: r.title,
      url: absoluteUrl(`/resources/${r.id}`),
      summary: short(r.summary),
      meta: [RESOURCE_KIND_LABELS[r.kind] ?? r.kind, r.orgName ?? '', r.authors ? `by ${oneLine(r.authors)}` : ''].filter(Boolean).join(' · '),
      organisationId: r.orgId,
      organisationName: r.orgName,
      at: r.at,
    });
  }

  // Decisions and action items from workshop records written in the period.
  const records = all<{ id: number; slug: string; title: string; startsAt: number; at: number }>(
    `select w.id, w.slug, w.title, w.starts_at as startsAt, w.record_updated_at as at from workshops w
     where w.record_updated_at >= ? and w.record_updated_at < ? and w.status in ('scheduled', 'completed')
       and (exists (select 1 from workshop_decisions d where d.workshop_id = w.id) or exists (select 1 from workshop_action_items a where a.workshop_id = w.id))
     order by w.starts_at desc limit ?`,
    sinceAt,
    now,
    LIMITS.records,
  );
  for (const w of records) {
    const decisions = all<{ text: string }>('select text from workshop_decisions where workshop_id = ? order by position, id', w.id);
    const actions = all<{ text: string; owner: string | null; due: number | null }>(
      `select a.text, o.name as owner, a.due_date as due from workshop_action_items a left join organisations o on o.id = a.owner_organisation_id
       where a.workshop_id = ? order by a.position, a.id`,
      w.id,
    );
    const lines = [
      ...decisions.map((d) => `Decided: ${oneLine(d.text)}`),
      ...actions.map((a) => `Action${a.owner ? ` for ${a.owner}` : ''}${a.due ? ` (due ${formatDate(a.due)})` : ''}: ${oneLine(a.text)}`),
    ];
    const shown = lines.slice(0, LIMITS.recordLines);
    if (lines.length > shown.length) shown.push(`… and ${lines.length - shown.length} more on the workshop page.`);
    push('decisions', `workshop_record:${w.id}`, {
      title: w.title,
      url: absoluteUrl(`/workshops/${w.slug}#record-title`),
      summary: `${plural(decisions.length, 'decision')} and ${plural(actions.length, 'action item')} recorded.`,
      meta: `Workshop on ${formatDate(w.startsAt)}`,
      details: shown,
      organisationId: null,
      organisationName: null,
      at: w.at,
    });
  }

  // The most active discussions: visible posts in the period, with an excerpt of the latest.
  const threads = all<{ id: number; title: string; category: string; posts: number; lastNumber: number; at: number; orgId: number; orgName: string }>(
    `select t.id, t.title, c.name as category, count(*) as posts, max(p.number) as lastNumber, max(p.created_at) as at, o.id as orgId, o.name as orgName
     from posts p
       join threads t on t.id = p.thread_id
       join discussion_categories c on c.id = t.category_id
       join users u on u.id = t.author_id
       join organisations o on o.id = u.organisation_id
     where p.created_at >= ? and p.created_at < ? and p.hidden_at is null and p.deleted_at is null and t.hidden_at is null
     group by t.id order by posts desc, at desc limit ?`,
    sinceAt,
    now,
    LIMITS.discussions,
  );
  for (const t of threads) {
    const latest = get<{ bodyMd: string; author: string }>(
      'select p.body_md as bodyMd, u.name as author from posts p join users u on u.id = p.author_id where p.thread_id = ? and p.number = ?',
      t.id,
      t.lastNumber,
    );
    push('discussions', `discussion:${t.id}:${t.lastNumber}`, {
      title: t.title,
      url: absoluteUrl(`/discussions/${t.id}`),
      summary: latest ? `${latest.author}: “${excerpt(markdownToPlainText(latest.bodyMd), 160)}”` : '',
      meta: `${t.category} · ${plural(t.posts, 'new post')}`,
      organisationId: t.orgId,
      organisationName: t.orgName,
      at: t.at,
    });
  }

  // New organisations, then new members.
  const orgs = all<{ id: number; slug: string; name: string; kind: OrganisationKind; description: string; at: number }>(
    `select id, slug, name, kind, description, created_at as at from organisations where created_at >= ? and created_at < ? order by created_at desc, id desc limit ?`,
    sinceAt,
    now,
    LIMITS.organisations,
  );
  for (const o of orgs) {
    push('community', `organisation:${o.id}`, {
      title: o.name,
      url: absoluteUrl(`/organisations/${o.slug}`),
      summary: short(o.description),
      meta: `New organisation · ${ORGANISATION_KIND_SHORT[o.kind] ?? o.kind}`,
      organisationId: o.id,
      organisationName: o.name,
      at: o.at,
    });
  }
  const members = all<{ id: number; name: string; jobTitle: string; interests: string; at: number; orgId: number; orgName: string }>(
    `select u.id, u.name, u.job_title as jobTitle, u.interests, u.created_at as at, o.id as orgId, o.name as orgName
     from users u join organisations o on o.id = u.organisation_id
     where u.created_at >= ? and u.created_at < ? and u.deactivated_at is null order by u.created_at desc, u.id desc limit ?`,
    sinceAt,
    now,
    LIMITS.members,
  );
  for (const m of members) {
    push('community', `member:${m.id}`, {
      title: m.name,
      url: absoluteUrl(`/members/${m.id}`),
      summary: m.interests.trim() ? `Interested in ${short(m.interests, 160)}` : '',
      meta: `New member · ${[m.jobTitle.trim(), m.orgName].filter(Boolean).join(', ')}`,
      organisationId: m.orgId,
      organisationName: m.orgName,
      at: m.at,
    });
  }

  const order = new Map(DIGEST_SECTIONS.map((s, i) => [s, i]));
  return items.map((item, i) => ({ item, i })).sort((a, b) => order.get(a.item.section)! - order.get(b.item.section)! || a.i - b.i).map((x) => x.item);
}

// ---------------------------------------------------------------------------------------------------------------
