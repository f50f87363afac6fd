import { describe, it, expect } from 'vitest';
import {
  type EmailMessage,
  invitationEmail,
  joinRequestDecidedEmail,
  passwordResetEmail,
  renderEmail,
  signInMethodLinkedEmail,
  verifyEmailEmail,
  wrapText,
} from '../../emails';
import { escapeHtml } from '../../app/utils/html';

const APP = 'https://cop.example.nz';
const XSS = '<script>alert("x")</script>';
const XSS_ESCAPED = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;';
// The & in the query string must be escaped in href but written plainly in text.
const url = (path: string) => `${APP}${path}?token=abc123&src=email`;

interface Case {
  name: string;
  build: () => EmailMessage;
  links: string[];
}

const cases: Case[] = [
  {
    name: 'invitation',
    build: () =>
      invitationEmail({
        appUrl: APP,
        inviterName: `Aroha ${XSS}`,
        organisationName: `Smith & Co ${XSS}`,
        roleLabel: `Member ${XSS}`,
        acceptUrl: url('/invite/accept'),
        expiresAtText: `on 12 March 2026 ${XSS}`,
      }),
    links: [url('/invite/accept')],
  },
  {
    name: 'verify email',
    build: () => verifyEmailEmail({ appUrl: APP, name: `Tama ${XSS}`, verifyUrl: url('/verify') }),
    links: [url('/verify')],
  },
  {
    name: 'password reset',
    build: () => passwordResetEmail({ appUrl: APP, name: `Mere ${XSS}`, resetUrl: url('/reset') }),
    links: [url('/reset')],
  },
  {
    name: 'join request approved',
    build: () =>
      joinRequestDecidedEmail({ appUrl: APP, name: `Hemi ${XSS}`, approved: true, loginUrl: url('/login'), note: `Welcome ${XSS}` }),
    links: [url('/login')],
  },
  {
    name: 'join request declined',
    build: () =>
      joinRequestDecidedEmail({ appUrl: APP, name: `Ana ${XSS}`, approved: false, loginUrl: url('/login'), note: `Sorry ${XSS}` }),
    links: [],
  },
  {
    name: 'sign-in method linked',
    build: () =>
      signInMethodLinkedEmail({ appUrl: APP, name: `Rangi ${XSS}`, providerName: `Tuakiri ${XSS}`, accountEmail: 'rangi@example.nz', securityUrl: url('/settings/security') }),
    links: [url('/settings/security')],
  },
];

const hrefs = (html: string) => [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]);

describe('email templates', () => {
  for (const c of cases) {
    describe(c.name, () => {
      const msg = c.build();

      it('returns a subject, an html part and a text part', () => {
        expect(msg.subject.trim().length).toBeGreaterThan(0);
        expect(msg.subject).not.toMatch(/[\r\n]/);
        expect(msg.html).toMatch(/^<!doctype html>\s*<html lang="en-NZ"/);
        expect(msg.html).toContain('Micro-credentials Community of Practice');
        expect(msg.text).toContain('Micro-credentials Community of Practice');
        // No markup of our own leaks into the text part (the user's literal <script> is expected).
        expect(msg.text.replaceAll(XSS, '')).not.toMatch(/<\/?[a-z][^>]*>/i);
      });

      it('escapes user-supplied text in html and keeps it plain in text', () => {
        expect(msg.html).not.toContain('<script');
        expect(msg.html).toContain(XSS_ESCAPED);
        expect(msg.text).toContain(XSS);
        expect(msg.text).not.toContain('&lt;');
      });

      it('uses only absolute links, present in both parts', () => {
        const found = hrefs(msg.html);
        expect(found.length).toBeGreaterThan(0);
        for (const h of found) expect(h).toMatch(/^https?:\/\//);
        for (const link of [...c.links, APP]) {
          expect(found).toContain(escapeHtml(link));
          expect(msg.text).toContain(link);
        }
      });

      it('writes buttons as "Label: URL" in the text part', () => {
        for (const link of c.links) expect(msg.text).toMatch(new RegExp(`\\n[A-Z][\\w ]+: ${link.replace(/[.?&/]/g, '\\$&')}\\n`));
      });

      it('wraps text lines at 72 characters unless a line holds a URL', () => {
        for (const line of msg.text.split('\n')) {
          if (!line.includes('http')) expect(line.length).toBeLessThanOrEqual(72);
        }
      });
    });
  }

  it('shows the coordinator note only when given', () => {
    const withNote = joinRequestDecidedEmail({ appUrl: APP, name: 'Ana', approved: false, loginUrl: url('/login'), note: 'Line one\nLine two' });
    const noNote = joinRequestDecidedEmail({ appUrl: APP, name: 'Ana', approved: false, loginUrl: url('/login') });
    expect(withNote.html).toContain('Line one<br>Line two');
    expect(withNote.text).toContain('> Line one\n> Line two');
    expect(noNote.text).not.toContain('note from the coordinator');
    expect(noNote.html).not.toContain('note from the coordinator');
  });

  it('approved and declined read differently; only approval links to sign in', () => {
    const yes = joinRequestDecidedEmail({ appUrl: APP, name: 'Ana', approved: true, loginUrl: url('/login') });
    const no = joinRequestDecidedEmail({ appUrl: APP, name: 'Ana', approved: false, loginUrl: url('/login') });
    expect(yes.subject).not.toBe(no.subject);
    expect(yes.text).toContain(`Sign in: ${url('/login')}`);
    expect(no.text).not.toContain(url('/login'));
  });
});

describe('renderEmail', () => {
  const base = { title: 'Digest', appUrl: APP, blocks: [{ kind: 'paragraph' as const, text: 'Hello' }] };

  it('puts a visible unsubscribe link in the footer when given', () => {
    const unsub = `${APP}/unsubscribe?u=1&t=2`;
    const { html, text } = renderEmail({ ...base, footer: { reason: 'You follow this topic.', unsubscribeUrl: unsub } });
    const footer = html.slice(html.indexOf('You follow this topic.'));
    expect(footer).toContain(`href="${escapeHtml(unsub)}"`);
    expect(footer).toMatch(/>Unsubscribe[^<]*<\/a>/);
    expect(text).toContain(`Unsubscribe: ${unsub}`);
    expect(text.indexOf('Unsubscribe:')).toBeGreaterThan(text.indexOf('\n--\n'));
  });

  it('has no unsubscribe link when none is given', () => {
    const { html, text } = renderEmail({ ...base, footer: { reason: 'You follow this topic.' } });
    expect(html).not.toMatch(/unsubscribe/i);
    expect(text).not.toMatch(/unsubscribe/i);
  });

  it('renders every block kind, escaping all but trusted html', () => {
    const { html, text } = renderEmail({
      ...base,
      title: `T ${XSS}`,
      preheader: `P ${XSS}`,
      blocks: [
        { kind: 'heading', text: `H ${XSS}` },
        { kind: 'list', items: [`I ${XSS}`, 'Two'] },
        { kind: 'html', html: '<strong>trusted</strong>', text: 'trusted (text)' },
        { kind: 'button', label: `B ${XSS}`, url: `${APP}/go` },
      ],
    });
    expect(html).not.toContain('<script');
    // title (in <title> and <h1>), preheader, heading, list item, button label
    expect(html.split(XSS_ESCAPED).length - 1).toBe(6);
    expect(html).toContain('<strong>trusted</strong>');
    expect(text).toContain('trusted (text)');
    expect(text).toContain(`- I ${XSS}\n- Two`);
    expect(text).toContain(`B ${XSS}: ${APP}/go`);
    expect(html).toMatch(/<a href="https:\/\/cop\.example\.nz\/go"[^>]*>B /);
    expect(html).toContain(`>${APP}/go</a>`); // raw URL shown under the button
  });

  it('rejects relative or non-http links', () => {
    expect(() => renderEmail({ ...base, blocks: [{ kind: 'button', label: 'Go', url: '/login' }] })).toThrow(/absolute/);
    expect(() => renderEmail({ ...base, blocks: [{ kind: 'button', label: 'Go', url: 'javascript:alert(1)' }] })).toThrow();
    expect(() => renderEmail({ ...base, appUrl: 'cop.example.nz' })).toThrow();
    expect(() => renderEmail({ ...base, footer: { reason: 'r', unsubscribeUrl: '/unsub' } })).toThrow();
    expect(() => passwordResetEmail({ appUrl: APP, name: 'A', resetUrl: '/reset' })).toThrow();
  });

  it('has no images, or alt text on any it has', () => {
    const { html } = renderEmail(base);
    for (const img of html.match(/<img\b[^>]*>/g) ?? []) expect(img).toMatch(/\salt="/);
  });
});

describe('wrapText', () => {
  it('wraps at the width without splitting long words', () => {
    const long = `${'word '.repeat(30)}${APP}/${'x'.repeat(80)}`;
    const lines = wrapText(long, 40).split('\n');
    expect(lines.length).toBeGreaterThan(3);
    for (const l of lines.slice(0, -1)) expect(l.length).toBeLessThanOrEqual(40);
    expect(lines.at(-1)).toBe(`${APP}/${'x'.repeat(80)}`);
  });
});

describe('escapeHtml', () => {
  it('escapes the five HTML-significant characters', () => {
    expect(escapeHtml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;');
    expect(escapeHtml('Kia ora')).toBe('Kia ora');
  });
});
