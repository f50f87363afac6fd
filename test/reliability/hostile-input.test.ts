// Bad input everywhere. Every form of the portal (every route module with an action) is submitted with a corpus of
// hostile and odd values: XSS vectors, SQL and FTS fragments, a 1 MB string, empty and whitespace-only values,
// control characters, mixed scripts and emoji, numbers and dates out of range, wrong types (a field sent twice where
// one value is expected), missing fields, odd field names, and bodies that are not well-formed forms at all. It is
// done as each kind of person: the people allowed to use the form get the whole corpus, everyone else a short one.
//
// Then: no answer was a 500 (a thrown 4xx Response is fine); every stored *_html column holds only sanitised markup,
// and no queued email carries script; and every page of the portal, loaded afterwards by each kind of person
// through its loader, still answers without a 500.
//
// FORMS below lists each form's fields, from the route's form, with a valid starting value for each ("base"); the
// walk replaces one field at a time so the hostile value gets past the other fields' validation and into the model.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRequestHandler, type ServerBuild } from '@remix-run/node';
import { desc, eq } from 'drizzle-orm';
import { Parser } from 'htmlparser2';
import { beforeAll, describe, expect, it } from 'vitest';
import { db, sqlite } from '../../db/client.server';
import { joinRequests, organisations, passwordResets, users } from '../../db/schema';
import { seed } from '../../db/seed';
import { buildSimplePdf } from '../../db/seed-resources';
import { createInvitation } from '~/models/invitations.server';
import { requestToJoin } from '~/models/join-requests.server';
import { createWorkshop } from '~/models/workshops.server';
import { generateToken, getUser, hashToken, type SessionUser } from '~/utils/auth.server';
import { callRoute, matchRoute, routeFiles, signedIn, VISITOR, type Body, type Outcome, type Visitor } from '../support/routes';
import { assertSafe, XSS_VECTORS } from '../support/xss-corpus';

// ---------------------------------------------------------------------------------------------------------------
// The corpus

const ONE_MB = 'Kia ora <script>alert(1)</script> ngā mihi 👩🏽‍🔧 '.repeat(Math.ceil((1 << 20) / 45)).slice(0, 1 << 20);

/** Values every field gets. */
const CORPUS: string[] = [
  '',
  '   \t\n  ',
  '\u0000',
  'a\u0000b\u0007\u001b[31mred\u001b[0m\u007f\u0085',
  '\r\n\r\nline\u2028break\u2029',
  "' OR '1'='1' --",
  '"; DROP TABLE users; --',
  "%' UNION SELECT password_hash FROM users --",
  'NEAR(micro credential',
  '"unbalanced phrase',
  '* OR title:x AND -',
  'Te Pūkenga — ngā mihi · 中文 · العربية · עברית · 👩🏽‍🔧🏗️',
  '\u202Efdp.exe\u202C',
  '\ud800 lone surrogate \udfff',
  'zero\u200bwidth\u200d\ufeff',
  '-1',
  '0',
  '1e309',
  'NaN',
  '99999999999999999999999',
  '1.5',
  '2024-02-30T25:61',
  '0000-00-00T00:00',
  '9999-12-31T23:59',
  'javascript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  '//evil.example/%0d%0aSet-Cookie:%20x=1',
  'a@b',
  '"<script>alert(1)</script>"@example.com',
  `${'x'.repeat(300)}@example.com`,
  'member@demo.example\r\nBcc: everyone@example.com',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '"><svg onload=alert(1)>',
  '{{constructor.constructor("alert(1)")()}} ${7*7} __proto__',
  ONE_MB,
];
/** A shorter corpus for people the form is not for, and for a form's secondary intents. */
const SHORT: string[] = ['', '   ', '\u0000', "' OR 1=1 --", '<img src=x onerror=alert(1)>', '-1', '1e309', ONE_MB];
/** Markdown fields also get every XSS vector of the sanitiser's own tests. */
const MARKDOWN_EXTRA = XSS_VECTORS.map((v) => v.input);

// ---------------------------------------------------------------------------------------------------------------
// The forms

type Role = 'visitor' | 'member' | 'manager' | 'coordinator' | 'other';
type Base = Record<string, string | string[]>;
type FormSpec = {
  /** The form's address; {placeholders} are fixtures made in beforeAll. */
  url: string;
  /** Who the form is for: they get the whole corpus. */
  as: Role[];
  /** Valid values to start from (a function when it needs fixtures or the page's own values). */
  base: Base | (() => Promise<Base> | Base);
  /** The hidden intent values the page's forms send; the first gets the whole corpus, the others the short one. */
  intents?: string[];
  /** Fields rendered from markdown and stored as HTML. */
  markdown?: string[];
  /** Multipart forms (uploads): the body is sent as FormData, with hostile files as well. */
  multipart?: boolean;
};

const fixtures: Record<string, string> = {};
const fill = (text: string) =>
  text.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (!(name in fixtures)) throw new Error(`No fixture {${name}}`);
    return fixtures[name];
  });

/** The values a route's loader hands its form (edit pages return the saved values as `values`). */
async function pageValues(url: string, who: Role): Promise<Base> {
  const outcome = await callRoute('GET', fill(url), person(who));
  const values = (outcome.data as { values?: Record<string, unknown> })?.values;
  if (!values) throw new Error(`GET ${fill(url)} as ${who} gave no form values (${outcome.status})`);
  const base: Base = {};
  for (const [k, v] of Object.entries(values)) {
    if (typeof v === 'string') base[k] = v;
    else if (Array.isArray(v)) base[k] = v.map(String);
  }
  return base;
}

const WORKSHOP_BASE: Base = {
  title: 'Hostile input workshop',
  summary: 'A summary.',
  agenda: '1. Welcome',
  startsAt: '2031-10-01T09:00',
  endsAt: '2031-10-01T12:00',
  mode: 'in_person',
  venue: 'Wellington',
  onlineUrl: '',
  capacity: '20',
  orgSeatCap: '',
  rsvpDeadline: '',
  audience: 'all',
  organisationIds: [],
};

const FORMS: FormSpec[] = [
  // Accounts
  { url: '/login', as: ['visitor'], base: { email: 'nobody@example.com', password: 'not-the-password-1', redirectTo: '/' } },
  {
    url: '/join',
    as: ['visitor'],
    base: () => ({ name: 'Hostile Joiner', email: 'joiner@example.com', organisationId: fixtures.org, reason: 'To learn.', password: 'a-long-enough-passphrase', confirmPassword: 'a-long-enough-passphrase' }),
  },
  { url: '/forgot-password', as: ['visitor'], base: { email: 'nobody@example.com' } },
  { url: '/reset-password/{resetToken}', as: ['visitor'], base: { password: 'x', confirmPassword: 'y' } },
  { url: '/invite/{inviteToken}', as: ['visitor'], base: { name: 'Invited Person', password: 'x', confirmPassword: 'y' } },
  { url: '/logout', as: ['member'], base: {} },
  { url: '/settings/profile', as: ['member', 'coordinator'], base: { name: 'Demo Member', jobTitle: 'Tester', bio: 'Bio.', interests: 'stacking' } },
  {
    url: '/settings/security',
    as: ['member'],
    base: { currentPassword: 'wrong-password-here', newPassword: 'another-long-passphrase', confirmPassword: 'another-long-passphrase' },
    intents: ['change-password', 'sign-out-others'],
  },
  {
    url: '/settings/security',
    as: ['member'],
    base: { code: '123456', name: 'Laptop', passkeyId: '1', response: '{"id":"x","response":{}}' },
    intents: ['totp-start', 'totp-confirm', 'totp-cancel', 'totp-remove', 'passkey-add', 'passkey-rename', 'passkey-remove', 'recovery-regenerate'],
  },
  { url: '/login/verify', as: ['visitor'], base: { code: '123456', recoveryCode: 'abcde-fghij', response: '' }, intents: ['totp', 'recovery', 'passkey'] },
  { url: '/login/passkey', as: ['visitor'], base: { response: '{"id":"x","response":{"clientDataJSON":"e30"}}', redirectTo: '/' } },
  { url: '/passkeys/options', as: ['visitor', 'member'], base: { purpose: 'sign-in' } },
  { url: '/reauthenticate', as: ['member'], base: { code: '123456', recoveryCode: 'abcde-fghij', response: '' }, intents: ['totp', 'recovery', 'passkey'] },
  { url: '/settings/calendar', as: ['member'], base: {}, intents: ['regenerate'] },
  // Single sign-on (no provider configured here: starting one is a 404, never a 500)
  { url: '/auth/oidc', as: ['visitor', 'member'], base: { redirectTo: '/', intent: 'link' } },
  { url: '/auth/oidc/unlink', as: ['member'], base: { identityId: '1' } },
  // Language switch, privacy and reports (no real erasure: the request id names nobody)
  { url: '/language', as: ['visitor', 'member'], base: { language: 'mi-NZ', redirectTo: '/' } },
  { url: '/settings/privacy', as: ['member'], base: { confirm: 'yes', removePosts: '' }, intents: ['export', 'erase', 'withdraw-erasure'] },
  { url: '/privacy/export/not-a-token/download', as: ['member'], base: {} },
  { url: '/admin/erasure', as: ['coordinator'], base: { requestId: '999999', email: 'nobody@example.org', reference: 'Letter of 1 May' }, intents: ['decline', 'written'] },
  { url: '/admin/reports', as: ['coordinator'], base: { from: '2025-01-01', to: '2025-12-31' } },
  // Workshops
  { url: '/workshops/new', as: ['coordinator'], base: WORKSHOP_BASE, intents: ['draft', 'publish'], markdown: ['agenda', 'summary'] },
  { url: '/workshops/{fuzzWorkshop}/edit', as: ['coordinator'], base: () => pageValues('/workshops/{fuzzWorkshop}/edit', 'coordinator'), markdown: ['agenda', 'summary'] },
  {
    url: '/workshops/{fuzzWorkshop}',
    as: ['member', 'coordinator'],
    base: { response: 'going', attendanceMode: 'in_person', needs: '', confirm: '', attended: [] },
    intents: ['rsvp', 'withdraw', 'attendance', 'cancel', 'publish', 'complete'],
  },
  {
    url: '/workshops/{completed}/record',
    as: ['coordinator'],
    // The page numbers its rows: decision-0, action-0-text, action-0-owner, action-0-due ...
    base: () => ({ notes: 'Notes.', attendingOrganisationIds: [fixtures.org], 'decision-0': 'Agreed.', 'action-0-text': 'Write it up.', 'action-0-owner': fixtures.org, 'action-0-due': '2031-12-01' }),
    markdown: ['notes'],
  },
  // Case studies
  {
    url: '/case-studies/new',
    as: ['manager'],
    base: async () => {
      const values = await pageValues('/case-studies/{ownPilot}/edit', 'manager');
      // A new pilot cannot refer to the existing pilot's micro-credentials.
      for (const key of Object.keys(values)) if (/^mc-\d+-id$/.test(key)) values[key] = '';
      return { ...values, title: 'Hostile pilot' };
    },
    // Preview first: it runs the whole parser and renders the markdown without adding a pilot per submission.
    intents: ['preview', 'draft', 'publish'],
    markdown: ['body'],
  },
  {
    url: '/case-studies/{ownPilot}/edit',
    as: ['manager', 'coordinator'],
    base: () => pageValues('/case-studies/{ownPilot}/edit', 'manager'),
    intents: ['save', 'preview'],
    markdown: ['body'],
  },
  // Resources
  {
    url: '/resources/new',
    as: ['member'],
    base: () => ({ title: 'Hostile link', kind: 'report', visibility: 'members', organisationId: fixtures.org, url: 'https://example.org/report', authors: '', summary: '', tags: '', licence: '', publishedOn: '', reviewBy: '', workshopIds: [], caseStudyIds: [] }),
    multipart: true,
  },
  { url: '/resources/{ownLink}/edit', as: ['member'], base: () => pageValues('/resources/{ownLink}/edit', 'member') },
  { url: '/resources/{ownFile}', as: ['member'], base: { note: 'A new version.', confirm: '' }, intents: ['version', 'remove'], multipart: true },
  // Administration
  { url: '/admin/organisations', as: ['coordinator'], base: { name: 'Hostile organisation', kind: 'itp', description: '', website: '' } },
  { url: '/admin/organisations/{fuzzOrg}', as: ['coordinator'], base: { name: 'Fuzz organisation', kind: 'other', description: '', website: '' } },
  {
    url: '/admin/organisations/{fuzzOrg}',
    as: ['coordinator'],
    base: { intent: 'sso', emailDomains: 'fuzz.example.nz other.example.nz', entraTenantId: '0f3c2b8e-4a5d-4e6f-9a1b-2c3d4e5f6a7b', ssoAutoApprove: 'on' },
  },
  { url: '/admin/invitations', as: ['coordinator'], base: () => ({ email: 'invitee@example.com', organisationId: fixtures.org, role: 'member', invitationId: '' }), intents: ['invite', 'revoke'] },
  { url: '/admin/join-requests', as: ['coordinator'], base: () => ({ requestId: fixtures.joinRequest, decision: 'decline', note: '' }) },
  { url: '/admin/members', as: ['coordinator'], base: () => ({ userId: fixtures.throwaway, role: 'member' }), intents: ['role', 'deactivate', 'reactivate'] },
];

/** Discussions (issue 7), when they exist. */
const DISCUSSION_FORMS: FormSpec[] = [
  { url: '/discussions/new', as: ['member'], base: () => ({ title: 'Hostile thread', body: 'Kia ora.', categoryId: fixtures.category, subjectType: '', subjectId: '' }), intents: ['post', 'preview'], markdown: ['body'] },
  // Before the thread's own form: its coordinator intents end with the thread hidden, and then members get only 404s
  // (the same holds for editing and reporting posts in it).
  { url: '/discussions/{thread}/posts/1/edit', as: ['member'], base: { body: 'Edited.' }, intents: ['save', 'preview'], markdown: ['body'] },
  // Post 2 is the coordinator's reply, which the member may report.
  { url: '/discussions/{thread}/posts/2/report', as: ['member'], base: { reason: 'Spam.' } },
  {
    url: '/discussions/{thread}',
    as: ['member', 'coordinator'],
    base: () => ({ body: 'A reply.', quotePostId: '', level: 'watching', postId: fixtures.otherPost, confirm: '', categoryId: fixtures.category }),
    intents: ['reply', 'preview', 'watch', 'delete', 'hidePost', 'unhidePost', 'move', 'pin', 'lock', 'hideThread'],
    markdown: ['body'],
  },
  { url: '/discussions/c/{categorySlug}', as: ['member'], base: { level: 'watching' }, intents: ['watch'] },
  { url: '/discussions/unwatch/{unwatchToken}', as: ['visitor'], base: {} },
  { url: '/admin/categories', as: ['coordinator'], base: () => ({ name: 'Hostile category', description: '', position: '', categoryId: fixtures.fuzzCategory }), intents: ['create', 'update', 'delete'] },
  { url: '/admin/moderation', as: ['coordinator'], base: () => ({ reportId: fixtures.report }), intents: ['dismiss', 'resolve', 'hide'] },
];
const hasDiscussions = fs.existsSync('app/routes/discussions._index.tsx');

/** Digests and notification settings (issue 10), when they exist. */
const DIGEST_FORMS: FormSpec[] = [
  { url: '/settings/notifications', as: ['member'], base: { digestFrequency: 'weekly', replyNotifications: 'on', workshopAnnouncements: 'off' } },
  { url: '/unsubscribe/{unsubscribeToken}', as: ['visitor'], base: { 'List-Unsubscribe': 'One-Click' } },
  { url: '/admin/digests', as: ['coordinator'], base: {}, intents: ['create'] },
  {
    url: '/admin/digests/{digest}',
    as: ['coordinator'],
    base: () => ({ subject: 'Hostile digest', intro: 'Kia ora.', itemId: '', audience: 'organisations', organisationIds: [fixtures.org], kinds: [], roles: [], scheduledFor: '2031-10-01T09:00', confirmed: '' }),
    intents: ['text', 'audience', 'schedule', 'unschedule', 'remove', 'up', 'down', 'test', 'send'],
    markdown: ['intro'],
  },
];
const hasDigests = fs.existsSync('app/routes/admin.digests.$id.tsx');
const ALL_FORMS = [...FORMS, ...(hasDiscussions ? DISCUSSION_FORMS : []), ...(hasDigests ? DIGEST_FORMS : [])];

// ---------------------------------------------------------------------------------------------------------------
// People and fixtures

const EMAILS: Record<Exclude<Role, 'visitor'>, string> = {
  member: 'member@demo.example',
  manager: 'project.manager@demo.example',
  coordinator: 'coordinator@demo.example',
  other: 'terry.shubkin@demo.example',
};
/** A fresh session per request: a form that signs out, or ends other sessions, cannot affect the next request. */
function person(role: Role): Visitor {
  return role === 'visitor' ? VISITOR : signedIn(role, EMAILS[role]);
}
const sessionUser = (role: Role): SessionUser => getUser(new Request('http://localhost:3000/', { headers: { Cookie: person(role).cookie } }))!;

beforeAll(async () => {
  await seed();
  const bcito = db.select().from(organisations).where(eq(organisations.slug, 'bcito')).get()!;
  fixtures.org = String(bcito.id);
  const coordinator = sessionUser('coordinator');
  const start = Date.UTC(2031, 8, 18, 21, 30);
  fixtures.fuzzWorkshop = createWorkshop(
    coordinator,
    { title: 'Fuzz workshop', summary: '', agendaMd: '', startsAt: start, endsAt: start + 3 * 3600_000, mode: 'hybrid', venue: 'Wellington', onlineUrl: 'https://meet.example/fuzz', capacity: 30, orgSeatCap: null, rsvpDeadline: null, audience: 'all', organisationIds: [] },
    { publish: true },
  ).slug;
  fixtures.completed = (sqlite.prepare("select slug from workshops where status = 'completed'").pluck().get() as string) ?? '';
  fixtures.ownPilot = 'otago-polytechnic-edubits';
  fixtures.fuzzOrg = String(db.insert(organisations).values({ name: 'Fuzz organisation', slug: 'fuzz-organisation', kind: 'other' }).returning().get().id);
  fixtures.throwaway = String(
    db.insert(users).values({ email: 'throwaway@example.com', name: 'Throwaway Person', organisationId: bcito.id, role: 'member' }).returning().get().id,
  );

  const invitation = createInvitation(coordinator, { email: 'invited@example.com', organisationId: bcito.id, role: 'member' });
  if (!invitation.ok) throw new Error(JSON.stringify(invitation.errors));
  fixtures.inviteToken = invitation.token;
  const resetToken = generateToken();
  db.insert(passwordResets).values({ tokenHash: hashToken(resetToken), userId: Number(fixtures.throwaway), expiresAt: Date.now() + 3600_000 }).run();
  fixtures.resetToken = resetToken;
  await requestToJoin({ name: 'Pending Person', email: 'pending@example.com', organisationId: bcito.id, reason: '', password: 'a-long-enough-passphrase', confirmPassword: 'a-long-enough-passphrase' }, '10.1.1.1');
  fixtures.joinRequest = String(db.select({ id: joinRequests.id }).from(joinRequests).orderBy(desc(joinRequests.id)).get()!.id);

  // The member's own link and file in the library, added through the upload route.
  const link = new FormData();
  for (const [k, v] of Object.entries({ title: 'Fuzz link', kind: 'report', visibility: 'members', organisationId: fixtures.org, url: 'https://example.org/fuzz' })) link.append(k, v);
  fixtures.ownLink = idFrom(await callRoute('POST', '/resources/new', person('member'), link));
  const file = new FormData();
  for (const [k, v] of Object.entries({ title: 'Fuzz file', kind: 'report', visibility: 'public', organisationId: fixtures.org })) file.append(k, v);
  file.append('file', new File([buildSimplePdf([[{ text: 'Fuzz file' }]]) as Uint8Array<ArrayBuffer>], 'fuzz.pdf', { type: 'application/pdf' }));
  fixtures.ownFile = idFrom(await callRoute('POST', '/resources/new', person('member'), file));

  if (hasDiscussions) {
    const discussions = await import('~/models/discussions.server');
    if (discussions.listCategories().length === 0) {
      const { seedDiscussions } = await import('../../db/seed-discussions');
      db.transaction((tx) => seedDiscussions(tx));
    }
    const category = discussions.listCategories()[0]!;
    fixtures.category = String(category.id);
    fixtures.categorySlug = category.slug;
    const fuzzCategory = discussions.createCategory(coordinator, { name: 'Fuzz category', description: '', position: 0 });
    fixtures.fuzzCategory = fuzzCategory.ok ? String((fuzzCategory as { id?: number }).id ?? category.id) : String(category.id);
    const thread = discussions.startThread(sessionUser('member'), { categoryId: category.id, title: 'Fuzz thread', body: 'Kia ora koutou.', subjectType: null, subjectId: null } as never);
    if (!thread.ok) throw new Error(JSON.stringify(thread));
    fixtures.thread = String(thread.threadId);
    const answer = discussions.reply(sessionUser('coordinator'), thread.threadId!, { body: 'A reply from the coordinator.' });
    if (!answer.ok) throw new Error(JSON.stringify(answer));
    const otherPost = discussions.getPostByNumber(thread.threadId!, answer.number!)!;
    fixtures.otherPost = String(otherPost.id);
    discussions.reportPost(sessionUser('member'), otherPost.id, 'Testing the moderation queue.');
    fixtures.report = String(sqlite.prepare('select max(id) from post_reports').pluck().get());
    fixtures.unwatchToken = discussions.unwatchToken(sessionUser('member').id, thread.threadId!);
  }
  if (hasDigests) {
    const created = await callRoute('POST', '/admin/digests', person('coordinator'), new URLSearchParams({ intent: 'create' }));
    fixtures.digest = idFrom(created);
    const { signUnsubscribeToken } = await import('~/utils/unsubscribe.server');
    fixtures.unsubscribeToken = signUnsubscribeToken(sessionUser('member').id);
  }
}, 120_000);

function idFrom(outcome: Outcome): string {
  if (outcome.status !== 302 || !outcome.location) throw new Error(`Expected a redirect, got ${outcome.status}: ${JSON.stringify(outcome.data)}`);
  return outcome.location.split('/').pop()!;
}

// ---------------------------------------------------------------------------------------------------------------
// The walk

type Submission = { label: string; body: Body };

// URLSearchParams#toString takes about a second per megabyte of non-ASCII text, so the test encodes bodies itself
// (encodeURIComponent is native), keeping the encoded 1 MB value. Lone surrogates become U+FFFD, as in a browser.
const encoded = new Map<string, string>();
function encode(value: string): string {
  const cached = value.length > 10_000 ? encoded.get(value) : undefined;
  if (cached) return cached;
  const wellFormed = value.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
  const out = encodeURIComponent(wellFormed).replace(/%20/g, '+');
  if (value.length > 10_000) encoded.set(value, out);
  return out;
}

function toBody(fields: [string, string][], multipart: boolean): Body {
  if (multipart) {
    const form = new FormData();
    for (const [k, v] of fields) form.append(k, v);
    return form;
  }
  return { raw: fields.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&'), contentType: 'application/x-www-form-urlencoded' };
}

function entries(base: Base): [string, string][] {
  return Object.entries(base).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x): [string, string] => [k, x]) : [[k, v] as [string, string]]));
}

const short = (v: string) => JSON.stringify(v.length > 40 ? `${v.slice(0, 37)}…(${v.length})` : v);

/** Every submission for one form and intent: whole bodies of one value, one field at a time, missing, duplicated. */
function submissions(spec: FormSpec, base: Base, intent: string | undefined, corpus: string[]): Submission[] {
  const withIntent = (fields: [string, string][]): [string, string][] => (intent === undefined ? fields : [['intent', intent], ...fields.filter(([k]) => k !== 'intent')]);
  const names = [...new Set([...Object.keys(base), ...(intent === undefined ? [] : ['intent'])])];
  const multipart = !!spec.multipart;
  const out: Submission[] = [];
  const add = (label: string, fields: [string, string][]) => out.push({ label, body: toBody(fields, multipart) });

  add('empty body', []);
  add('the valid base', withIntent(entries(base)));
  // (The 1 MB value goes into one field at a time: fifty of them at once is a 50 MB body, which says nothing more.)
  for (const value of corpus.filter((v) => v !== ONE_MB)) add(`every field ${short(value)}`, withIntent(names.map((n) => [n, value])));
  // Numbered rows (outcome-0-label, mc-1-name, action-2-due ...) are read by the same code: row 0 stands for all.
  for (const name of names.filter((n) => !/-(?!0-)\d+-/.test(n))) {
    const values = spec.markdown?.includes(name) && corpus === CORPUS ? [...corpus, ...MARKDOWN_EXTRA] : corpus;
    const others = entries(base).filter(([k]) => k !== name);
    for (const value of values) {
      add(`${name}=${short(value)}`, name === 'intent' ? [...others, ['intent', value]] : withIntent([...others, [name, value]]));
    }
    add(`${name} missing`, withIntent(others).filter(([k]) => k !== name));
    add(`${name} twice`, withIntent([...entries(base), [name, '<b>second</b>'], [name, "' OR 1=1 --"]]));
  }
  add('odd field names', withIntent([...entries(base), ['__proto__', 'x'], ['constructor', 'y'], ['intent[]', 'z'], ['', 'empty name'], ['\u0000', 'nul name']]));
  return out;
}

/** Bodies that are not well-formed forms: they must be refused (400), not crash the action. */
function brokenBodies(): Submission[] {
  const boundary = '----hostile';
  const valid = `--${boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nHello\r\n--${boundary}--\r\n`;
  return [
    { label: 'multipart garbage', body: { raw: 'this is not multipart', contentType: `multipart/form-data; boundary=${boundary}` } },
    { label: 'multipart without a boundary', body: { raw: valid, contentType: 'multipart/form-data' } },
    { label: 'multipart cut short', body: { raw: valid.slice(0, 40), contentType: `multipart/form-data; boundary=${boundary}` } },
    { label: 'multipart with a bad part header', body: { raw: `--${boundary}\r\nContent-Disposition: form-data; name="a;b=c"; filename="x;y=z.pdf"\r\n\r\nx\r\n--${boundary}--\r\n`, contentType: `multipart/form-data; boundary=${boundary}` } },
    { label: 'urlencoded with bad escapes', body: { raw: '%zz=%%&title=%E0%A4%A&intent=%00', contentType: 'application/x-www-form-urlencoded' } },
  ];
}

/** Hostile files for upload forms. */
function hostileFiles(base: Base, intent: string | undefined): Submission[] {
  const files: [string, Uint8Array, string][] = [
    ['../../../etc/passwd.pdf', buildSimplePdf([[{ text: 'traversal' }]]), 'application/pdf'],
    ['"quoted"; name=x.pdf', buildSimplePdf([[{ text: 'quotes' }]]), 'application/pdf'],
    ['<script>alert(1)</script>.pdf', buildSimplePdf([[{ text: 'script name' }]]), 'application/pdf'],
    ['page.pdf', new TextEncoder().encode('<html><script>alert(1)</script></html>'), 'application/pdf'],
    ['empty.pdf', new Uint8Array(0), 'application/pdf'],
    ['zeros.pdf', new Uint8Array(1 << 20), 'application/pdf'],
    ['ngā-mihi 👩🏽‍🔧.txt', new TextEncoder().encode('Kia ora\u0000\u0007 ' + '<img src=x onerror=alert(1)>'), 'text/plain'],
    ['x.exe', new Uint8Array([0x4d, 0x5a, 0x90, 0x00]), 'application/octet-stream'],
  ];
  return files.map(([name, bytes, type]) => {
    const form = new FormData();
    if (intent !== undefined) form.append('intent', intent);
    for (const [k, v] of entries(base)) if (k !== 'url') form.append(k, v);
    form.append('file', new File([bytes as Uint8Array<ArrayBuffer>], name, { type }));
    return { label: `file ${short(name)}`, body: form };
  });
}

type Failure = { request: string; as: Role; status: number; error: string };
const failures: Failure[] = [];
let submitted = 0;

const SLOW_MS = 2_000;
const slow: string[] = [];

async function submit(url: string, role: Role, submission: Submission) {
  const started = performance.now();
  const outcome = await callRoute('POST', url, person(role), submission.body);
  const ms = performance.now() - started;
  submitted++;
  // Slow answers are not failures, but worth knowing about (a 1 MB body through markdown, say).
  if (ms > SLOW_MS) {
    slow.push(`POST ${url} (${submission.label}) as ${role}: ${Math.round(ms)} ms`);
    if (process.env.HOSTILE_TRACE) console.warn(slow.at(-1));
  }
  if (outcome.status >= 500) {
    const error = outcome.error instanceof Error ? `${outcome.error.name}: ${outcome.error.message}`.slice(0, 300) : String(outcome.error ?? outcome.data).slice(0, 300);
    failures.push({ request: `POST ${url} (${submission.label})`, as: role, status: outcome.status, error });
  }
}

const ROLES: Role[] = ['visitor', 'member', 'manager', 'coordinator', 'other'];

describe('every form, with hostile and odd values, as each kind of person', () => {
  it.each(ALL_FORMS.map((spec) => [spec.url, spec] as const))('POST %s never answers 500', async (_url, spec) => {
    const before = failures.length;
    const url = fill(spec.url);
    const base = typeof spec.base === 'function' ? await spec.base() : spec.base;
    const intents = spec.intents ?? [undefined];
    for (const role of ROLES) {
      const allowed = spec.as.includes(role);
      for (const [i, intent] of intents.entries()) {
        const corpus = allowed && i === 0 ? CORPUS : SHORT;
        for (const submission of submissions(spec, base, intent, allowed ? corpus : SHORT.slice(0, 3))) await submit(url, role, submission);
        if (spec.multipart && allowed) for (const submission of hostileFiles(base, intent)) await submit(url, role, submission);
      }
      for (const submission of brokenBodies()) await submit(url, role, submission);
    }
    expect(failures.slice(before)).toEqual([]);
  });

  it('walked every route module that has an action', () => {
    const walked = new Set(ALL_FORMS.map((spec) => spec.url.replace(/\{\w+\}/g, 'x')));
    const covered = new Set([...walked].map((u) => matchRoute(u).route.id));
    const withActions = routeFiles()
      .filter((r) => /export (async )?function action/.test(fs.readFileSync(`app/routes/${r.file}`, 'utf8')))
      .map((r) => r.id);
    expect(withActions.filter((id) => !covered.has(id))).toEqual([]);
    console.info(`hostile-input: ${submitted} submissions to ${ALL_FORMS.length} forms, ${failures.length} answered 500; ${slow.length} took over ${SLOW_MS} ms${slow.length ? `:\n  ${slow.join('\n  ')}` : ''}`);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// What was stored

describe('what the walk stored', () => {
  it('keeps only sanitised markup in every *_html column', () => {
    const columns = (sqlite.prepare("select name from sqlite_schema where type = 'table' and name not like 'sqlite_%'").pluck().all() as string[]).flatMap((table) =>
      (sqlite.prepare(`select name from pragma_table_info(?)`).pluck().all(table) as string[]).filter((c) => c.endsWith('_html')).map((column) => ({ table, column })),
    );
    expect(columns.map((c) => `${c.table}.${c.column}`)).toEqual(expect.arrayContaining(['workshops.agenda_html', 'case_studies.body_html']));
    let checked = 0;
    for (const { table, column } of columns) {
      for (const html of sqlite.prepare(`select "${column}" from "${table}" where "${column}" <> ''`).pluck().all() as string[]) {
        assertSafe(html, { payloadVisibleAsText: true });
        checked++;
      }
    }
    // The walk saved hostile markdown (workshops, the meeting record, case studies, posts): there is something to check.
    expect(checked).toBeGreaterThan(50);
  });

  it('queues no email whose markup carries script', () => {
    const rows = sqlite.prepare('select id, subject, html from outbox').all() as { id: number; subject: string; html: string }[];
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      const tags = (row.html.match(/<[^>]*>/g) ?? []).join('\n');
      expect(tags, `outbox ${row.id} (${row.subject})`).not.toMatch(/<script|[\s/"']on[a-z]+\s*=|javascript:/i);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Every page afterwards

/**
 * Every kind of page the portal has: every list, and the pages of records: the seeded ones and the latest the walk
 * wrote (it adds hundreds of workshops and pilots with hostile titles; the newest 15 of each stand for the rest).
 */
function everyPage(): string[] {
  const pick = (sql: string) => {
    const rows = sqlite.prepare(sql).pluck().all() as (string | number)[];
    return rows.length > 30 ? [...rows.slice(0, 15), ...rows.slice(-15)] : rows;
  };
  const pages = [
    '/', '/workshops', '/workshops/new', '/workshops/calendar.ics', '/case-studies', '/case-studies/new', '/micro-credentials', '/pathways',
    '/resources', '/resources/new', '/resources?q=%22unbalanced', '/resources?q=NEAR(', '/members', '/members?q=%27%20OR%201%3D1', '/organisations',
    '/settings/profile', '/settings/security', '/settings/calendar', '/login', '/join', '/forgot-password',
    '/admin', '/admin/members', '/admin/organisations', '/admin/invitations', '/admin/join-requests', '/admin/audit', '/dev/mail',
    ...pick('select slug from workshops order by id').flatMap((s) => [`/workshops/${s}`, `/workshops/${s}/edit`, `/workshops/${s}/record`, `/workshops/${s}/attendees.csv`, `/workshops/${s}/calendar.ics`]),
    ...pick('select slug from case_studies order by id').flatMap((s) => [`/case-studies/${s}`, `/case-studies/${s}/edit`, `/case-studies/${s}/history`]),
    ...pick('select code from qualifications').map((c) => `/pathways/${encodeURIComponent(String(c))}`),
    ...pick('select id from resources order by id').flatMap((id) => [`/resources/${id}`, `/resources/${id}/edit`, `/resources/${id}/download`]),
    ...pick('select id from users order by id').map((id) => `/members/${id}`),
    ...pick('select slug from organisations order by id').map((s) => `/organisations/${encodeURIComponent(String(s))}`),
    ...pick('select id from organisations order by id').map((id) => `/admin/organisations/${id}`),
    ...pick('select id from outbox order by id desc limit 20').flatMap((id) => [`/dev/mail/${id}`, `/dev/mail/${id}.eml`]),
    // Hostile addresses
    '/workshops/%3Cscript%3E', '/members/1e309', '/members/-1', '/resources/99999999999999999999', '/case-studies/%00', '/organisations/%E2%80%AE',
    '/resources/1/versions/NaN/download', '/calendar/%27%20OR%201%3D1.ics', '/reset-password/%3Cscript%3E', '/invite/%00', '/join/verify/..%2F..',
  ];
  if (hasDiscussions) {
    pages.push('/discussions', '/discussions/new', '/discussions?q=%22', '/admin/categories', '/admin/moderation', '/discussions/%3Cscript%3E');
    pages.push(...pick('select id from threads order by id').flatMap((id) => [`/discussions/${id}`, `/discussions/${id}?page=99999`, `/discussions/${id}/posts/1`, `/discussions/${id}/posts/1/history`, `/discussions/${id}/posts/1/report`]));
    pages.push(...pick('select slug from discussion_categories order by id').map((s) => `/discussions/c/${encodeURIComponent(String(s))}`));
  }
  if (hasDigests) {
    pages.push('/admin/digests', '/settings/notifications', '/unsubscribe/%3Cscript%3E', '/search?q=%22', '/search?q=NEAR(', '/map', '/map?tag=%3Cscript%3E');
    pages.push(...pick('select id from digests order by id').map((id) => `/admin/digests/${id}`));
  }
  return pages;
}

describe('every page, loaded by each kind of person after the walk', () => {
  it('answers without a 500', async () => {
    const problems: string[] = [];
    let loads = 0;
    for (const url of everyPage()) {
      for (const role of ROLES) {
        const outcome = await callRoute('GET', url, person(role));
        loads++;
        if (outcome.status >= 500) problems.push(`GET ${url} as ${role}: ${outcome.status} ${String((outcome.error as Error)?.message ?? outcome.error ?? '').slice(0, 200)}`);
      }
    }
    console.info(`hostile-input: loaded ${loads} pages afterwards, ${problems.length} answered 500`);
    expect(problems).toEqual([]);
  }, 900_000);
});

// ---------------------------------------------------------------------------------------------------------------
// Every page, rendered as a browser gets it

/**
 * What in a rendered page could run script: a <script> without this request's CSP nonce, an on* attribute, a
 * javascript:/vbscript:/data:text/html address, an element that loads or frames other content, a meta refresh.
 * (The CSP would block most of these in a browser; the page should not contain them in the first place.)
 */
function scriptRisks(html: string, nonce: string): string[] {
  const risks: string[] = [];
  const parser = new Parser(
    {
      onopentag(name, attribs) {
        for (const [attr, value] of Object.entries(attribs)) {
          if (/^on/i.test(attr)) risks.push(`<${name} ${attr}="${value.slice(0, 60)}">`);
          const squashed = value.replace(/[\u0000-\u0020\u007f-\u009f]+/g, '').toLowerCase();
          if (/^(href|src|action|formaction|xlink:href|data|poster)$/i.test(attr) && /^(javascript|vbscript|data:text\/html)/.test(squashed)) {
            risks.push(`<${name} ${attr}="${value.slice(0, 60)}">`);
          }
        }
        if (name === 'script' && !/json/.test(attribs.type ?? '') && attribs.nonce !== nonce) risks.push(`<script> without the nonce: ${JSON.stringify(attribs).slice(0, 120)}`);
        if (['object', 'embed', 'base', 'applet'].includes(name)) risks.push(`<${name}>`);
        // A captured email is shown in a sandboxed frame that may not run script.
        if (name === 'iframe' && (attribs.sandbox === undefined || /allow-scripts/.test(attribs.sandbox))) risks.push('<iframe> without a script-free sandbox');
        if (name === 'meta' && /refresh/i.test(attribs['http-equiv'] ?? '')) risks.push('<meta http-equiv=refresh>');
      },
    },
    { decodeEntities: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();
  return risks;
}

describe('every page, rendered by the production build after the walk', () => {
  it('answers without a 500 and carries no script but the nonced scripts of the app', async () => {
    const buildFile = path.resolve('build/server/index.js');
    if (!fs.existsSync(buildFile)) throw new Error('No production build in build/: run `npm run build` first (npm run test:reliability does).');
    const build = (await import(/* @vite-ignore */ pathToFileURL(buildFile).href)) as ServerBuild;
    const handle = createRequestHandler(build, 'production');
    const nonce = 'hostile-walk-nonce';
    const problems: string[] = [];
    let rendered = 0;
    for (const url of everyPage()) {
      for (const role of ['visitor', 'coordinator'] as const) {
        const who = person(role);
        const response = await handle(new Request(new URL(url, 'http://localhost:3000'), { headers: who.cookie ? { Cookie: who.cookie } : {} }), {
          cspNonce: nonce,
          clientIp: '127.0.0.1',
        });
        rendered++;
        if (response.status >= 500) problems.push(`GET ${url} as ${role}: ${response.status}`);
        if (!(response.headers.get('Content-Type') ?? '').startsWith('text/html')) {
          await response.arrayBuffer();
          continue;
        }
        for (const risk of scriptRisks(await response.text(), nonce)) problems.push(`GET ${url} as ${role}: ${risk}`);
      }
    }
    console.info(`hostile-input: rendered ${rendered} pages with the production build, ${problems.length} problems`);
    expect(problems).toEqual([]);
  }, 900_000);
});
