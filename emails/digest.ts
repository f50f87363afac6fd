// The community digest: what other organisations have started, published and decided. Pure: callers pass the
// items (snapshots taken when the digest was composed) and the recipient; nothing here reads the database.
//
// Speed: a digest goes to thousands of people in one transaction, so the page is rendered through the shared layout
// once, with slots, and each recipient's copy is the template's static pieces joined with their own slot values.
// The item sections depend only on the recipient's organisation (items from it are marked, workshops for other
// organisations are left out) and on which items they get, so they are rendered once per such combination and
// reused; per recipient only the greeting, their upcoming workshops and their unsubscribe link are new strings.
import { escapeHtml } from '../app/utils/html';
import { PORTAL_NAME, assertAbsoluteUrl, greeting, oneLine, renderEmail, signOff, wrapText, type EmailMessage } from './layout';

export const DIGEST_SECTIONS = ['workshops', 'case_studies', 'micro_credentials', 'resources', 'decisions', 'discussions', 'community'] as const;
export type DigestSection = (typeof DIGEST_SECTIONS)[number];

export const DIGEST_SECTION_LABELS: Record<DigestSection, string> = {
  workshops: 'Upcoming workshops with seats left',
  case_studies: 'New and updated pilots',
  micro_credentials: 'New micro-credentials',
  resources: 'New in the resource library',
  decisions: 'Decisions and actions from recent workshops',
  discussions: 'Most active discussions',
  community: 'New organisations and members',
};

/** What an item shows, as snapshotted into digest_items.payload when the digest is composed. */
export type DigestItemPayload = {
  title: string;
  /** Absolute URL of the thing itself. */
  url: string;
  /** Plain text, one short paragraph. */
  summary: string;
  /** Plain text, one line: organisation, status, date, seats left ... */
  meta?: string;
  /** Plain-text bullet lines (decisions, action items). */
  details?: string[];
  organisationId: number | null;
  organisationName: string | null;
  /** A call to action under the item ("RSVP"). */
  action?: { label: string; url: string };
  /** Workshops for chosen organisations only: shown to members of these organisations only. */
  audienceOrganisationIds?: number[] | null;
  /** When it happened (UTC ms); null for things that are current rather than new (upcoming workshops). */
  at: number | null;
};

export type DigestEmailItem = DigestItemPayload & { key: string; section: DigestSection };

export type DigestEmailContent = {
  appUrl: string;
  subject: string;
  /** "since 7 August 2019": what the digest covers. */
  periodText: string;
  /** Sanitised HTML of the coordinator's introduction (may be empty) and its plain-text form. */
  introHtml: string;
  introText: string;
  /** In the order the coordinator left them; grouped by section when shown. */
  items: DigestEmailItem[];
  /** Absolute URL of the member's notification settings. */
  settingsUrl: string;
};

/** `key` is the workshop's item key ("workshop:12"): the member's own workshop is not offered to them again. */
export type DigestUpcomingWorkshop = { key: string; title: string; url: string; when: string; status: string };

export type DigestEmailRecipient = {
  name: string;
  organisationId: number;
  /** The member's own upcoming workshops (going, waitlisted, maybe). */
  upcoming: DigestUpcomingWorkshop[];
  /** Absolute URL of their signed unsubscribe link. */
  unsubscribeUrl: string;
  /** Only these items (the automatic mode's never-repeat rule); every item when absent. */
  itemKeys?: ReadonlySet<string>;
};

export type DigestEmail = EmailMessage & { itemKeys: string[] };

const FONT = "Arial, 'Helvetica Neue', Helvetica, sans-serif";
const P = `margin:0 0 16px;font-family:${FONT};font-size:16px;line-height:1.5;color:#1f2937;`;
const H2 = `margin:28px 0 12px;font-family:${FONT};font-size:20px;line-height:1.3;color:#0f3d56;`;
const LINK = 'color:#1d4ed8;text-decoration:underline;';
const MINE_COLOUR = '#047857';
export const FROM_YOUR_ORGANISATION = 'From your organisation';

const esc = escapeHtml;
/**
 * The HTML part is kept to ASCII (other characters as numeric references, which every mail client reads), held in
 * V8's one-byte representation (the latin1 round trip; a replace() result stays two-byte): ten thousand copies are
 * stored, and SQLite takes one-byte strings at about half the CPU cost of two-byte ones.
 */
const ascii = (html: string) => Buffer.from(html.replace(/[^\x00-\x7f]/gu, (c) => `&#${c.codePointAt(0)};`), 'latin1').toString('latin1');
const indent = (text: string) => wrapText(text, 72, '  ');

function heading(text: string): { html: string; text: string } {
  return { html: `<h2 style="${H2}">${esc(text)}</h2>`, text: `${text}\n${'-'.repeat(Math.min(text.length, 72))}` };
}

// Items are rows of one table per section: table layout survives Outlook, and the styles stay short because
// a digest is stored once per recipient (10,000 copies of every byte here).
const CELL_FONT = 'Arial,Helvetica,sans-serif';
const SPACER = '<tr><td height="12"></td></tr>';

function itemHtml(item: DigestEmailItem, mine: boolean): string {
  const url = esc(assertAbsoluteUrl(item.url, `digest item "${item.title}"`));
  let html = `<tr><td style="padding:10px 14px;border-left:4px solid ${mine ? MINE_COLOUR : '#0f3d56'};background:#f8fafc;font-family:${CELL_FONT};color:#1f2937">`;
  if (mine) html += `<p style="margin:0 0 4px;font-size:12px;font-weight:bold;text-transform:uppercase;color:${MINE_COLOUR}">${FROM_YOUR_ORGANISATION}</p>`;
  html += `<h3 style="margin:0;font-size:17px"><a href="${url}" style="color:#1d4ed8">${esc(oneLine(item.title))}</a></h3>`;
  if (item.meta) html += `<p style="margin:4px 0 0;font-size:14px;color:#4b5563">${esc(item.meta)}</p>`;
  if (item.summary) html += `<p style="margin:6px 0 0;font-size:15px">${esc(item.summary)}</p>`;
  if (item.details?.length) html += `<ul style="margin:6px 0 0;padding:0 0 0 20px;font-size:15px">${item.details.map((d) => `<li>${esc(d)}</li>`).join('')}</ul>`;
  if (item.action) {
    const actionUrl = esc(assertAbsoluteUrl(item.action.url, `digest action "${item.action.label}"`));
    html += `<p style="margin:8px 0 0;font-size:15px"><a href="${actionUrl}" style="color:#1d4ed8;font-weight:bold">${esc(item.action.label)}</a></p>`;
  }
  return `${html}</td></tr>${SPACER}`;
}

const SECTION_OPEN = '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0">';
const SECTION_CLOSE = '</table>';

function itemText(item: DigestEmailItem, mine: boolean): string {
  const lines = [`* ${oneLine(item.title)}`];
  if (mine) lines.push(`  (${FROM_YOUR_ORGANISATION})`);
  if (item.meta) lines.push(indent(item.meta));
  if (item.summary) lines.push(indent(item.summary));
  for (const d of item.details ?? []) lines.push(`  - ${wrapText(d, 72, '    ').slice(4)}`);
  if (item.action && item.action.url === item.url) lines.push(`  ${item.action.label}: ${item.url}`);
  else {
    lines.push(`  Read more: ${item.url}`);
    if (item.action) lines.push(`  ${item.action.label}: ${item.action.url}`);
  }
  return lines.join('\n');
}

function upcomingBlock(upcoming: DigestUpcomingWorkshop[]): { html: string; text: string } {
  if (!upcoming.length) return { html: '', text: '' };
  const h = heading('Your upcoming workshops');
  const html = `${h.html}<ul style="margin:0 0 16px;padding:0 0 0 24px;">${upcoming
    .map(
      (w) =>
        `<li style="margin:0 0 8px;font-family:${FONT};font-size:16px;line-height:1.5;color:#1f2937;"><a href="${esc(assertAbsoluteUrl(w.url, 'workshop'))}" target="_blank" style="${LINK}">${esc(oneLine(w.title))}</a><br><span style="font-size:14px;color:#4b5563;">${esc(w.when)} · ${esc(w.status)}</span></li>`,
    )
    .join('')}</ul>`;
  const text = `${h.text}\n${upcoming.map((w) => `* ${oneLine(w.title)}\n${indent(`${w.when} · ${w.status}`)}\n  ${w.url}`).join('\n\n')}`;
  return { html, text };
}

// Slot markers survive the layout untouched: no escaping applies to \u0001, and no whitespace means no wrapping.
const SLOT = (name: string) => `\u0001${name}\u0001`;
const SLOT_RE = /\u0001(\w+)\u0001/;
// The layout insists on an absolute unsubscribe URL; this stands in for each recipient's own.
const UNSUBSCRIBE_PLACEHOLDER = `https://unsubscribe.invalid/${SLOT('unsubscribe')}`;

type Template = string[]; // static, slot name, static, slot name, ..., static

function toTemplate(rendered: string): Template {
  return rendered.split(UNSUBSCRIBE_PLACEHOLDER).join(SLOT('unsubscribe')).split(SLOT_RE);
}

function fill(template: Template, values: Record<string, string>): string {
  let out = template[0]!;
  for (let i = 1; i < template.length; i += 2) out += values[template[i]!]! + template[i + 1]!;
  return out;
}

export type DigestComposer = { compose(recipient: DigestEmailRecipient): DigestEmail };

/** Renders the shared parts of a digest once; `compose` then personalises it cheaply for each recipient. */
export function createDigestComposer(content: DigestEmailContent): DigestComposer {
  const appUrl = assertAbsoluteUrl(content.appUrl, 'appUrl');
  const settingsUrl = assertAbsoluteUrl(content.settingsUrl, 'settings link');
  const subject = oneLine(content.subject);
  const order = new Map(DIGEST_SECTIONS.map((s, i) => [s, i]));
  const items = content.items
    .map((item, index) => ({ item, index }))
    .sort((a, b) => order.get(a.item.section)! - order.get(b.item.section)! || a.index - b.index)
    .map((x) => x.item);
  // Each item rendered once in each form (plain, and marked as from the reader's organisation).
  const rendered = items.map((item) => ({
    plain: { html: ascii(itemHtml(item, false)), text: itemText(item, false) },
    mine: item.organisationId !== null ? { html: ascii(itemHtml(item, true)), text: itemText(item, true) } : null,
  }));
  const sectionHeadings = new Map(DIGEST_SECTIONS.map((s) => [s, heading(DIGEST_SECTION_LABELS[s])]));
  for (const h of sectionHeadings.values()) h.html = ascii(h.html);

  const counts = DIGEST_SECTIONS.map((s) => [s, items.filter((i) => i.section === s).length] as const).filter(([, n]) => n > 0);
  const preheader = oneLine(content.introText).slice(0, 140) || (counts.length ? `${items.length} things from around the community ${content.periodText}.` : `News from the community ${content.periodText}.`);

  const blocks = [
    { kind: 'html' as const, html: SLOT('top'), text: SLOT('top') },
    ...(content.introHtml.trim()
      ? [{ kind: 'html' as const, html: `<div style="${P.replace('margin:0 0 16px;', 'margin:0 0 8px;')}">${content.introHtml}</div>`, text: content.introText }]
      : []),
    { kind: 'html' as const, html: SLOT('sections'), text: SLOT('sections') },
    {
      kind: 'html' as const,
      html:
        `<p style="${P}margin-top:24px;">Working on something other organisations should know about? <a href="${esc(appUrl)}" target="_blank" style="${LINK}">Share it on the portal</a> so nobody has to start from scratch.</p>` +
        `<p style="${P}">You get this digest as a member of the ${esc(PORTAL_NAME)}. <a href="${esc(settingsUrl)}" target="_blank" style="${LINK}">Choose how often it comes</a> (weekly, fortnightly or monthly), or turn it off.</p>`,
      text: `${wrapText('Working on something other organisations should know about? Share it on the portal so nobody has to start from scratch:')}\n${appUrl}\n\n${wrapText('Choose how often this digest comes (weekly, fortnightly or monthly), or turn it off:')}\n${settingsUrl}`,
    },
    signOff,
  ];
  const { html, text } = renderEmail({
    appUrl,
    title: subject,
    preheader,
    blocks,
    footer: { reason: `You are receiving this digest because you are a member of the ${PORTAL_NAME}.`, unsubscribeUrl: UNSUBSCRIBE_PLACEHOLDER },
  });
  const htmlTemplate = toTemplate(ascii(html));
  const textTemplate = toTemplate(text);

  const lead = `Here is what members of the community have started, published and decided ${content.periodText}.`;
  const leadHtml = `<p style="${P}">${esc(lead)}</p>`;
  const leadText = wrapText(lead);

  const sectionCache = new Map<string, { html: string; text: string; keys: string[] }>();
  function sectionsFor(organisationId: number, visible: number[]) {
    const cacheKey = `${organisationId}:${visible.join(',')}`;
    let cached = sectionCache.get(cacheKey);
    if (cached) return cached;
    const htmlParts: string[] = [];
    const textParts: string[] = [];
    let current: DigestSection | null = null;
    for (const i of visible) {
      const item = items[i]!;
      if (item.section !== current) {
        if (current !== null) htmlParts.push(SECTION_CLOSE);
        current = item.section;
        const h = sectionHeadings.get(current)!;
        htmlParts.push(h.html, SECTION_OPEN);
        textParts.push(h.text);
      }
      const form = item.organisationId === organisationId && rendered[i]!.mine ? rendered[i]!.mine! : rendered[i]!.plain;
      htmlParts.push(form.html);
      textParts.push(form.text);
    }
    if (current !== null) htmlParts.push(SECTION_CLOSE);
    if (!visible.length) {
      const none = `Nothing new has been added ${content.periodText}.`;
      htmlParts.push(ascii(`<p style="${P}">${esc(none)}</p>`));
      textParts.push(wrapText(none));
    }
    cached = { html: htmlParts.join(''), text: textParts.join('\n\n'), keys: visible.map((i) => items[i]!.key) };
    sectionCache.set(cacheKey, cached);
    return cached;
  }

  return {
    compose(recipient) {
      const visible: number[] = [];
      const own = recipient.upcoming.length ? new Set(recipient.upcoming.map((w) => w.key)) : null;
      for (let i = 0; i < items.length; i++) {
        const item = items[i]!;
        if (recipient.itemKeys && !recipient.itemKeys.has(item.key)) continue;
        if (own?.has(item.key)) continue;
        if (item.audienceOrganisationIds && !item.audienceOrganisationIds.includes(recipient.organisationId)) continue;
        visible.push(i);
      }
      const sections = sectionsFor(recipient.organisationId, visible);
      const hello = (greeting(recipient.name) as { text: string }).text;
      const mine = upcomingBlock(recipient.upcoming);
      const unsubscribe = assertAbsoluteUrl(recipient.unsubscribeUrl, 'unsubscribe link');
      const top = { html: ascii(`<p style="${P}">${esc(hello)}</p>${leadHtml}`), text: `${hello}\n\n${leadText}` };
      return {
        subject,
        html: fill(htmlTemplate, { top: top.html, sections: ascii(mine.html) + sections.html, unsubscribe: ascii(esc(unsubscribe)) }),
        text: fill(textTemplate, { top: top.text, sections: mine.text ? `${mine.text}\n\n${sections.text}` : sections.text, unsubscribe }),
        itemKeys: sections.keys,
      };
    },
  };
}

/** One recipient's digest (previews and tests); sending many uses createDigestComposer once. */
export function digestEmail(content: DigestEmailContent, recipient: DigestEmailRecipient): DigestEmail {
  return createDigestComposer(content).compose(recipient);
}
