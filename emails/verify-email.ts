import { type EmailMessage, PORTAL_NAME, greeting, renderEmail, signOff } from './layout';

export interface VerifyEmailEmailInput {
  appUrl: string;
  name: string;
  verifyUrl: string;
}

/** Sent to people who asked to join: confirm the address, then a coordinator reviews the request. */
export function verifyEmailEmail({ appUrl, name, verifyUrl }: VerifyEmailEmailInput): EmailMessage {
  const { html, text } = renderEmail({
    appUrl,
    title: 'Please confirm your email address',
    preheader: 'One quick step before a coordinator reviews your request to join.',
    blocks: [
      greeting(name),
      {
        kind: 'paragraph',
        text: `Thanks for asking to join the ${PORTAL_NAME}. Please confirm this is your email address.`,
      },
      { kind: 'button', label: 'Confirm email address', url: verifyUrl },
      {
        kind: 'paragraph',
        text: "Once you've confirmed, a coordinator will review your request. We'll email you as soon as it's been decided.",
      },
      { kind: 'paragraph', text: "If you didn't ask to join, you can ignore this email and nothing more will happen." },
      signOff,
    ],
    footer: { reason: `You're receiving this email because this address was used to request to join the ${PORTAL_NAME}.` },
  });
  return { subject: `Confirm your email address for the ${PORTAL_NAME}`, html, text };
}
