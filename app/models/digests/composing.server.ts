import { z } from 'zod';
import { db } from '../../../db/client.server';
import { oneLine, wrapText } from '../../../emails/layout';
import type { SessionUser } from '~/utils/auth.server';
import { env } from '~/utils/env.server';
import { escapeHtml } from '~/utils/html';
import { markdownToPlainText, renderMarkdown } from '~/utils/markdown.server';
import { formatDate, formatSince } from '~/utils/time';
import { field, type FieldErrors } from '~/utils/validation.server';
import { recordAudit } from '../audit.server';
import { DEFAULT_PERIOD_MS, all, get, run, stmt } from './shared.server';
import { type GatheredItem, gatherDigestItems, plural } from './gathering.server';
import { type DigestRow, digestRow, listDigestItems } from './reading.server';
import { type DigestAudience, countRecipients } from './audience.server';

// Composing

export type Outcome = { ok: true; message: string } | { ok: false; status: 400 | 404 | 409; message: string; errors?: FieldErrors };

export const notFoundOutcome: Outcome = { ok: false, status: 404, message: 'There is no such digest.' };
export const notEditable: Outcome = { ok: false, status: 409, message: 'This digest has been sent, so it can no longer be changed.' };

export function defaultSubject(now: number): string {
  return `What’s new in the Micro-credentials CoP: ${formatDate(now)}`;
}

/** When the last digest a coordinator sent went out (automatic ones are per member and do not count). */
export function lastDigestSentAt(): number | null {
  return get<{ at: number | null }>('select max(sent_at) as at from digests where automatic = 0 and sent_at is not null')!.at;
}

/**
 * Whether gathered items hold any news: something that happened in the period, or an upcoming workshop the last
 * digest did not already list. (Upcoming workshops are always gathered, so a quiet week still has some.)
 */
export function hasNews(items: GatheredItem[]): boolean {
  const last = get<{ id: number }>('select id from digests where automatic = 0 and sent_at is not null order by sent_at desc, id desc limit 1');
  const listed = new Set(last ? all<{ k: string }>('select item_key as k from digest_items where digest_id = ?', last.id).map((r) => r.k) : []);
  return items.some((i) => i.payload.at !== null || !listed.has(i.itemKey));
}

/** A new draft holding everything new since the last digest went out (or the last 7 days). Returns its id. */
export function createDigest(actor: Pick<SessionUser, 'id'> | null, now = Date.now()): number {
  return db.transaction(
    (tx) => {
      const sinceAt = lastDigestSentAt() ?? now - DEFAULT_PERIOD_MS;
      const items = gatherDigestItems(sinceAt, now);
      const id = Number(
        run(
          `insert into digests (subject, intro_md, intro_html, since_at, audience, status, automatic, created_by_id, created_at)
           values (?, '', '', ?, '{"kind":"everyone"}', 'draft', 0, ?, ?)`,
          defaultSubject(now),
          sinceAt,
          actor?.id ?? null,
          now,
        ).lastInsertRowid,
      );
      insertItems(id, items);
      recordAudit(tx, { actorId: actor?.id ?? null, action: 'digest.create', targetType: 'digest', targetId: id, summary: `Started a digest with ${plural(items.length, 'item')} since ${formatSince(sinceAt)}` });
      return id;
    },
    { behavior: 'immediate' },
  );
}

export function insertItems(digestId: number, items: GatheredItem[]) {
  const insert = stmt('insert into digest_items (digest_id, item_key, section, position, payload) values (?, ?, ?, ?, ?) on conflict (digest_id, item_key) do nothing');
  items.forEach((item, position) => insert.run(digestId, item.itemKey, item.section, position, JSON.stringify(item.payload)));
}

/** Relative links in the introduction would be dead in a mail client: make them absolute against APP_URL. */
function absoluteLinks(html: string): string {
  const base = `${env().APP_URL}/`;
  return html.replace(/href="([^"]*)"/g, (whole, href: string) => {
    const raw = href.replace(/&amp;/g, '&');
    if (/^(https?:|mailto:)/i.test(raw)) return whole;
    try {
      return `href="${escapeHtml(new URL(raw, base).toString())}"`;
    } catch {
      return whole;
    }
  });
}

/** The introduction as plain text that reads on its own: paragraphs wrapped, lists kept, links written out. */
export function introPlainText(md: string): string {
  const base = `${env().APP_URL}/`;
  const withLinks = md.replace(/\[([^\]]+)\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g, (_, text: string, href: string) => {
    let url = href;
    try {
      url = new URL(href, base).toString();
    } catch {
      // keep what was written
    }
    return `${text} (${url})`;
  });
  const LIST = /^\s*([-*+]|\d{1,3}[.)])\s+/;
  return withLinks
    .replace(/\r\n?/g, '\n')
    .split(/\n\s*\n/)
    .map((block) => {
      const lines = block.split('\n').filter((l) => l.trim());
      if (lines.length && lines.every((l) => LIST.test(l))) {
        return lines.map((l) => `${/^\s*\d/.test(l) ? l.match(LIST)![1] : '-'} ${markdownToPlainText(l.replace(LIST, ''))}`).join('\n');
      }
      return wrapText(markdownToPlainText(block));
    })
    .filter(Boolean)
    .join('\n\n');
}

export const digestTextSchema = z.object({
  subject: field.text('a subject', 150),
  intro: field.optionalText('the introduction', 10000),
});

type Tx = Parameters<Parameters<typeof db.transaction>[0]>[0];

/**
 * Runs a change to a draft or scheduled digest in one IMMEDIATE transaction (so it cannot interleave with sending
 * it) and records who did it in the audit log.
 */
export function editDigest(actor: Pick<SessionUser, 'id'>, digestId: number, change: (d: DigestRow, tx: Tx) => Outcome & { audit?: string }): Outcome {
  return db.transaction(
    (tx) => {
      const d = digestRow(digestId);
      if (!d) return notFoundOutcome;
      if (d.status !== 'draft' && d.status !== 'scheduled') return notEditable;
      const { audit, ...outcome } = change(d, tx);
      if (outcome.ok && audit) recordAudit(tx, { actorId: actor.id, action: 'digest.edit', targetType: 'digest', targetId: digestId, summary: `${audit} (digest “${d.subject}”)` });
      return outcome as Outcome;
    },
    { behavior: 'immediate' },
  );
}

export function updateDigestText(actor: Pick<SessionUser, 'id'>, digestId: number, input: z.infer<typeof digestTextSchema>): Outcome {
  return editDigest(actor, digestId, () => {
    const introMd = input.intro.replace(/\r\n?/g, '\n');
    run(
      'update digests set subject = ?, intro_md = ?, intro_html = ? where id = ?',
      oneLine(input.subject),
      introMd,
      introMd.trim() ? absoluteLinks(renderMarkdown(introMd)) : '',
      digestId,
    );
    return { ok: true, message: 'Subject and introduction saved.', audit: 'Edited the subject and introduction' };
  });
}

export function removeDigestItem(actor: Pick<SessionUser, 'id'>, digestId: number, itemId: number): Outcome {
  return editDigest(actor, digestId, () => {
    const item = get<{ title: string }>(`select json_extract(payload, '$.title') as title from digest_items where id = ? and digest_id = ?`, itemId, digestId);
    if (!item) return { ok: false, status: 404, message: 'That item is no longer in this digest.' };
    run('delete from digest_items where id = ? and digest_id = ?', itemId, digestId);
    return { ok: true, message: `Removed “${item.title}”.`, audit: `Removed “${item.title}”` };
  });
}

/** Moves an item one place up or down within its section (the email groups items by section). */
export function moveDigestItem(actor: Pick<SessionUser, 'id'>, digestId: number, itemId: number, direction: 'up' | 'down'): Outcome {
  return editDigest(actor, digestId, () => {
    const items = listDigestItems(digestId);
    const index = items.findIndex((i) => i.id === itemId);
    if (index < 0) return { ok: false, status: 404, message: 'That item is no longer in this digest.' };
    const item = items[index]!;
    const otherIndex = direction === 'up' ? index - 1 : index + 1;
    const other = items[otherIndex];
    if (!other || other.section !== item.section) return { ok: true, message: `“${item.payload.title}” is already ${direction === 'up' ? 'first' : 'last'} in its section.` };
    // Renumber the whole digest in display order with the two swapped, so equal or gapped positions cannot stick.
    items[index] = other;
    items[otherIndex] = item;
    const update = stmt('update digest_items set position = ? where id = ?');
    items.forEach((i, position) => update.run(position, i.id));
    return { ok: true, message: `Moved “${item.payload.title}” ${direction}.`, audit: `Moved “${item.payload.title}” ${direction}` };
  });
}

export function setDigestAudience(actor: Pick<SessionUser, 'id'>, digestId: number, audience: DigestAudience): Outcome {
  return editDigest(actor, digestId, () => {
    run('update digests set audience = ? where id = ?', JSON.stringify(audience), digestId);
    const count = plural(countRecipients(audience), 'person', 'people');
    return { ok: true, message: `Audience saved: ${count} will receive this digest.`, audit: `Chose the audience (${audience.kind}, ${count})` };
  });
}

export function deleteDigest(actor: Pick<SessionUser, 'id'>, digestId: number): Outcome {
  return db.transaction(
    (tx) => {
      const d = digestRow(digestId);
      if (!d) return notFoundOutcome;
      if (d.status !== 'draft' && d.status !== 'scheduled') return notEditable;
      run('delete from digests where id = ?', digestId);
      recordAudit(tx, { actorId: actor.id, action: 'digest.delete', targetType: 'digest', targetId: digestId, summary: `Deleted the digest “${d.subject}”` });
      return { ok: true as const, message: `Deleted the digest “${d.subject}”.` };
    },
    { behavior: 'immediate' },
  );
}

// ---------------------------------------------------------------------------------------------------------------
