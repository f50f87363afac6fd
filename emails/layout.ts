import { escapeHtml } from '../app/utils/html';

export const PORTAL_NAME = 'Micro-credentials Community of Practice';

/** Content blocks a template composes. All text is plain text and gets escaped. */
export type EmailBlock =
  | { kind: 'heading'; text: string }
  | { kind: 'paragraph'; text: string }
  | { kind: 'button'; label: string; url: string }
  | { kind: 'list'; items: string[] }
  | { kind: 'quote'; text: string; label?: string }
  /** Trusted, pre-rendered HTML; `text` is its plain-text equivalent. Never put user input here. */
  | { kind: 'html'; html: string; text: string };

export interface EmailFooter {
  /** Why the recipient is getting this email. */
  reason: string;
  unsubscribeUrl?: string;
}

export interface RenderEmailInput {
  title: string;
  preheader?: string;
  blocks: EmailBlock[];
  appUrl: string;
  footer?: EmailFooter;
}

export interface RenderedEmail {
  html: string;
  text: string;
}

export interface EmailMessage extends RenderedEmail {
  subject: string;
}

const FONT = "Arial, 'Helvetica Neue', Helvetica, sans-serif";
const TEXT_WIDTH = 72;

/**
 * Relative links are dead in a mail client, and a non-http scheme (javascript:, data:)
 * in an href is dangerous, so this is checked on every render, not only in development.
 */
export function assertAbsoluteUrl(url: string, what = 'link'): string {
  if (!/^https?:\/\/\S+$/i.test(url)) {
    throw new Error(`Email ${what} must be an absolute http(s) URL, got: ${JSON.stringify(url)}`);
  }
  return url;
}

/** Subjects are header values: collapse whitespace so user text can't add lines. */
export function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

export function greeting(name: string): EmailBlock {
  const n = oneLine(name);
  return { kind: 'paragraph', text: n ? `Kia ora ${n},` : 'Kia ora,' };
}

export const signOff: EmailBlock = {
  kind: 'paragraph',
  text: `Ngā mihi,\nThe ${PORTAL_NAME} team`,
};

/** Greedy word wrap that keeps existing line breaks and never splits a word (or URL). */
export function wrapText(text: string, width = TEXT_WIDTH, indent = ''): string {
  return text
    .split('\n')
    .map((line) => {
      const lines: string[] = [];
      let cur = '';
      for (const word of line.split(/\s+/).filter(Boolean)) {
        if (cur && indent.length + cur.length + 1 + word.length > width) {
          lines.push(cur);
          cur = word;
        } else {
          cur = cur ? `${cur} ${word}` : word;
        }
      }
      lines.push(cur);
      return lines.map((l) => indent + l).join('\n');
    })
    .join('\n');
}

// Escape, then keep the author's line breaks (e.g. in a coordinator's note).
const htmlText = (s: string) => escapeHtml(s).replace(/\r?\n/g, '<br>');

const P_STYLE = `margin:0 0 16px;font-family:${FONT};font-size:16px;line-height:1.5;color:#1f2937;`;
const LINK_STYLE = 'color:#1d4ed8;text-decoration:underline;';

function blockHtml(b: EmailBlock): string {
  switch (b.kind) {
    case 'heading':
      return `<h2 style="margin:24px 0 12px;font-family:${FONT};font-size:20px;line-height:1.3;color:#0f3d56;">${htmlText(b.text)}</h2>`;
    case 'paragraph':
      return `<p style="${P_STYLE}">${htmlText(b.text)}</p>`;
    case 'list':
      return `<ul style="margin:0 0 16px;padding:0 0 0 24px;">${b.items
        .map((i) => `<li style="margin:0 0 6px;font-family:${FONT};font-size:16px;line-height:1.5;color:#1f2937;">${htmlText(i)}</li>`)
        .join('')}</ul>`;
    case 'quote':
      return `${b.label ? `<p style="${P_STYLE}margin-bottom:8px;">${htmlText(b.label)}</p>` : ''}<table role="presentation" cellpadding="0" cellspacing="0" border="0" width="100%" style="margin:0 0 16px;"><tr><td style="border-left:4px solid #94a3b8;padding:8px 16px;background:#f8fafc;font-family:${FONT};font-size:16px;line-height:1.5;color:#1f2937;">${htmlText(b.text)}</td></tr></table>`;
    case 'button': {
      const href = escapeHtml(assertAbsoluteUrl(b.url, `button "${b.label}"`));
      // Bulletproof button: the coloured cell renders even where padding on <a> is ignored (Outlook),
      // and the raw URL underneath covers clients that strip or block the button.
      return `<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="margin:8px 0 12px;"><tr><td align="center" bgcolor="#1d4ed8" style="border-radius:6px;background:#1d4ed8;"><a href="${href}" target="_blank" style="display:inline-block;padding:12px 24px;font-family:${FONT};font-size:16px;font-weight:bold;line-height:1.25;color:#ffffff;text-decoration:none;border-radius:6px;">${escapeHtml(b.label)}</a></td></tr></table>`
        + `<p style="margin:0 0 16px;font-family:${FONT};font-size:14px;line-height:1.5;color:#4b5563;">If the button doesn't work, copy this link into your browser:<br><a href="${href}" target="_blank" style="${LINK_STYLE}word-break:break-all;">${href}</a></p>`;
    }
    case 'html':
      return b.html;
  }
}

function blockText(b: EmailBlock): string {
  switch (b.kind) {
    case 'heading':
      return `${b.text}\n${'-'.repeat(Math.min(b.text.length, TEXT_WIDTH))}`;
    case 'paragraph':
      return wrapText(b.text);
    case 'list':
      // Hanging indent so wrapped items line up under their first word.
      return b.items.map((i) => `- ${wrapText(i, TEXT_WIDTH, '  ').slice(2)}`).join('\n');
    case 'quote':
      return `${b.label ? `${wrapText(b.label)}\n` : ''}${wrapText(b.text, TEXT_WIDTH, '> ')}`;
    case 'button':
      return `${b.label}: ${assertAbsoluteUrl(b.url, `button "${b.label}"`)}`;
    case 'html':
      return b.text;
  }
}

export function renderEmail(input: RenderEmailInput): RenderedEmail {
  const appUrl = assertAbsoluteUrl(input.appUrl, 'appUrl');
  const { title, preheader, blocks, footer } = input;
  if (footer?.unsubscribeUrl) assertAbsoluteUrl(footer.unsubscribeUrl, 'unsubscribe link');

  const footerHtml = [
    footer ? `<p style="margin:0 0 8px;">${htmlText(footer.reason)}</p>` : '',
    footer?.unsubscribeUrl
      ? `<p style="margin:0 0 8px;"><a href="${escapeHtml(footer.unsubscribeUrl)}" target="_blank" style="color:#374151;text-decoration:underline;">Unsubscribe from these emails</a></p>`
      : '',
    `<p style="margin:0;">${PORTAL_NAME}<br><a href="${escapeHtml(appUrl)}" target="_blank" style="color:#374151;text-decoration:underline;">${escapeHtml(appUrl)}</a></p>`,
  ].join('');

  // Hidden preview text; the trailing spacer stops clients pulling body text into the preview.
  const preheaderHtml = preheader
    ? `<div style="display:none;max-height:0;max-width:0;overflow:hidden;opacity:0;mso-hide:all;font-size:1px;line-height:1px;color:#f3f4f6;">${escapeHtml(preheader)}${'&#8199;&#65279;&#847; '.repeat(30)}</div>`
    : '';

  const html = `<!doctype html>
<html lang="en-NZ" xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="x-apple-disable-message-reformatting">
<meta name="color-scheme" content="light">
<meta name="supported-color-schemes" content="light">
<title>${escapeHtml(title)}</title>
</head>
<body style="margin:0;padding:0;width:100%;background:#f3f4f6;-webkit-text-size-adjust:100%;-ms-text-size-adjust:100%;">
${preheaderHtml}
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background:#f3f4f6;"><tr><td align="center" style="padding:24px 12px;">
<!--[if mso]><table role="presentation" width="600" cellpadding="0" cellspacing="0" border="0"><tr><td><![endif]-->
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:600px;width:100%;background:#ffffff;border-radius:8px;">
<tr><td style="background:#0f3d56;padding:20px 24px;border-radius:8px 8px 0 0;font-family:${FONT};font-size:18px;font-weight:bold;line-height:1.3;color:#ffffff;"><a href="${escapeHtml(appUrl)}" target="_blank" style="color:#ffffff;text-decoration:none;">${PORTAL_NAME}</a></td></tr>
<tr><td style="padding:24px;">
<h1 style="margin:0 0 16px;font-family:${FONT};font-size:24px;line-height:1.3;color:#0f3d56;">${htmlText(title)}</h1>
${blocks.map(blockHtml).join('\n')}
</td></tr>
<tr><td style="padding:16px 24px 24px;border-top:1px solid #e5e7eb;font-family:${FONT};font-size:14px;line-height:1.5;color:#4b5563;">${footerHtml}</td></tr>
</table>
<!--[if mso]></td></tr></table><![endif]-->
</td></tr></table>
</body>
</html>
`;

  const footerText = [
    footer ? wrapText(footer.reason) : '',
    footer?.unsubscribeUrl ? `Unsubscribe: ${footer.unsubscribeUrl}` : '',
    `${PORTAL_NAME}\n${appUrl}`,
  ].filter(Boolean).join('\n\n');

  const text = [
    PORTAL_NAME,
    `${title}\n${'='.repeat(Math.min(title.length, TEXT_WIDTH))}`,
    ...blocks.map(blockText),
    `--\n${footerText}`,
  ].join('\n\n') + '\n';

  return { html, text };
}
