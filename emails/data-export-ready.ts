import { type EmailMessage, PORTAL_NAME, greeting, renderEmail, signOff } from './layout';

export interface DataExportReadyEmailInput {
  appUrl: string;
  name: string;
  downloadUrl: string;
  /** "Wednesday 9 December 2026, 1:40 pm" (New Zealand time), formatted by the caller. */
  expiresText: string;
  hours: number;
}

export function dataExportReadyEmail({ appUrl, name, downloadUrl, expiresText, hours }: DataExportReadyEmailInput): EmailMessage {
  const { html, text } = renderEmail({
    appUrl,
    title: 'Your data is ready to download',
    preheader: `The link works once, for ${hours} hours.`,
    blocks: [
      greeting(name),
      { kind: 'paragraph', text: `You asked for a copy of everything the ${PORTAL_NAME} holds about you. It is ready: one ZIP file with your records as JSON, the files you uploaded, and a README explaining each file.` },
      { kind: 'button', label: 'Download my data', url: downloadUrl },
      { kind: 'paragraph', text: `The link works once, while you are signed in, until ${expiresText} (${hours} hours). After that, ask for a new copy at Settings → Privacy.` },
      { kind: 'paragraph', text: "If you didn't ask for this, sign in and change your password, and let a coordinator know." },
      signOff,
    ],
    footer: { reason: `You're receiving this email because you asked for a copy of your data from the ${PORTAL_NAME}.` },
  });
  return { subject: `Your ${PORTAL_NAME} data is ready to download`, html, text };
}
