// emails/digest.ts on its own: escaping, absolute links only, the plain-text part, and the per-recipient parts of
// a composer that renders the shared parts once.
import { describe, expect, it } from 'vitest';
import { createDigestComposer, digestEmail, type DigestEmailContent, type DigestEmailItem, type DigestEmailRecipient } from '../../emails/digest';

const APP = 'https://cop.example.nz';
const XSS = '<script>alert("x")</script>';

function item(overrides: Partial<DigestEmailItem> = {}): DigestEmailItem {
  return {
    key: 'resource:1',
    section: 'resources',
    title: 'Employer survey',
    url: `${APP}/resources/1`,
    summary: 'What 120 employers said about micro-credentials.',
    meta: 'Report · BCITO',
    organisationId: 2,
    organisationName: 'BCITO',
    at: 1,
    ...overrides,
  };
}

function content(items: DigestEmailItem[], overrides: Partial<DigestEmailContent> = {}): DigestEmailContent {
  return { appUrl: APP, subject: 'What’s new', periodText: 'since 1 August 2019', introHtml: '', introText: '', items, settingsUrl: `${APP}/settings/notifications`, ...overrides };
}

function reader(overrides: Partial<DigestEmailRecipient> = {}): DigestEmailRecipient {
  return { name: 'Ana', organisationId: 1, upcoming: [], unsubscribeUrl: `${APP}/unsubscribe/1.digest.abc.${'x'.repeat(43)}`, ...overrides };
}

describe('the digest email', () => {
  it('escapes every piece of text that came from members', () => {
    const email = digestEmail(content([item({ title: `Survey ${XSS}`, summary: `Summary ${XSS}`, meta: `Meta ${XSS}`, details: [`Detail ${XSS}`] })]), reader({ name: `Ana ${XSS}` }));
    expect(email.html).not.toContain('<script>');
    expect(email.html).toContain('Survey &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(email.html).toContain('Kia ora Ana &lt;script&gt;');
    expect(email.text).toContain(`* Survey ${XSS}`); // plain text is text
  });

  it('refuses relative or non-http links rather than send a dead or dangerous one', () => {
    expect(() => digestEmail(content([item({ url: '/resources/1' })]), reader())).toThrow(/absolute/);
    expect(() => digestEmail(content([item({ url: 'javascript:alert(1)' })]), reader())).toThrow(/absolute/);
    expect(() => digestEmail(content([item()]), reader({ unsubscribeUrl: '/unsubscribe/x' }))).toThrow(/absolute/);
  });

  it('groups items by section in a fixed order, keeping the order within a section', () => {
    const email = digestEmail(
      content([
        item({ key: 'resource:1', title: 'Second resource' }),
        item({ key: 'workshop:1', section: 'workshops', title: 'A workshop', organisationId: null, organisationName: null, at: null }),
        item({ key: 'resource:2', title: 'First resource' }),
      ]),
      reader(),
    );
    const order = ['Upcoming workshops with seats left', 'A workshop', 'New in the resource library', 'Second resource', 'First resource'].map((t) => email.text.indexOf(t));
    expect(order.every((n) => n >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(email.itemKeys).toEqual(['workshop:1', 'resource:1', 'resource:2']);
  });

  it('personalises cheaply: same sections for the same organisation, own greeting, workshops and unsubscribe link each', () => {
    const composer = createDigestComposer(content([item({ organisationId: 1, organisationName: 'Otago' }), item({ key: 'workshop:9', section: 'workshops', title: 'For BCITO only', audienceOrganisationIds: [2], organisationId: null, at: null })]));
    const ana = composer.compose(reader({ name: 'Ana', unsubscribeUrl: `${APP}/unsubscribe/ana` }));
    const jo = composer.compose(reader({ name: 'Jo', unsubscribeUrl: `${APP}/unsubscribe/jo`, upcoming: [{ key: 'workshop:3', title: 'Stacking day', url: `${APP}/workshops/stacking`, when: 'Tue 1 Dec', status: 'You’re going' }] }));
    const ben = composer.compose(reader({ name: 'Ben', organisationId: 2, unsubscribeUrl: `${APP}/unsubscribe/ben` }));

    expect(ana.text).toContain('Kia ora Ana,');
    expect(ana.text).toContain(`Unsubscribe: ${APP}/unsubscribe/ana`);
    expect(ana.html).toContain(`href="${APP}/unsubscribe/ana"`);
    expect(ana.text).not.toContain('/unsubscribe/jo');
    expect(ana.text).toMatch(/\* Employer survey\n {2}\(From your organisation\)/);
    expect(ana.text).not.toContain('For BCITO only');
    expect(ana.text).not.toContain('Your upcoming workshops');

    expect(jo.text).toContain('Kia ora Jo,');
    expect(jo.text).toMatch(/Your upcoming workshops\n-+\n\* Stacking day\n {2}Tue 1 Dec · You’re going/);

    expect(ben.text).not.toContain('(From your organisation)');
    expect(ben.text).toContain('For BCITO only');
    expect(ben.itemKeys).toEqual(['workshop:9', 'resource:1']);
  });

  it('shows only the chosen items when given a subset (the automatic mode), and says so when none are left', () => {
    const composer = createDigestComposer(content([item({ key: 'resource:1' }), item({ key: 'resource:2', title: 'Another' })]));
    const some = composer.compose(reader({ itemKeys: new Set(['resource:2']) }));
    expect(some.itemKeys).toEqual(['resource:2']);
    expect(some.text).not.toContain('Employer survey');
    const none = composer.compose(reader({ itemKeys: new Set() }));
    expect(none.itemKeys).toEqual([]);
    expect(none.text).toContain('Nothing new has been added since 1 August 2019.');
  });

  it('is 600 px wide, has lang set and a plain-text part wrapped for reading', () => {
    const email = digestEmail(content([item({ summary: 'word '.repeat(80).trim() })], { introHtml: '<p>Kia ora koutou.</p>', introText: 'Kia ora koutou.' }), reader());
    expect(email.html).toContain('<html lang="en-NZ"');
    expect(email.html).toContain('max-width:600px');
    expect(email.html).toContain('<p>Kia ora koutou.</p>');
    for (const line of email.text.split('\n')) if (!/https?:\/\//.test(line)) expect(line.length).toBeLessThanOrEqual(72);
    expect(email.text).toContain('Choose how often this digest comes');
  });
});
