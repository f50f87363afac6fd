import { type EmailMessage, PORTAL_NAME, greeting, renderEmail, signOff } from './layout';

export interface PasswordResetEmailInput {
  appUrl: string;
  name: string;
  resetUrl: string;
}

export function passwordResetEmail({ appUrl, name, resetUrl }: PasswordResetEmailInput): EmailMessage {
  const { html, text } = renderEmail({
    appUrl,
    title: 'Reset your password',
    preheader: 'This link is valid for one hour and can be used once.',
    blocks: [
      greeting(name),
      { kind: 'paragraph', text: `We received a request to reset the password for your ${PORTAL_NAME} account.` },
      { kind: 'button', label: 'Reset password', url: resetUrl },
      { kind: 'paragraph', text: 'This link is valid for one hour and can only be used once.' },
      { kind: 'paragraph', text: "If you didn't ask to reset your password, you can ignore this email. Your password won't change." },
      signOff,
    ],
    footer: { reason: `You're receiving this email because a password reset was requested for your ${PORTAL_NAME} account.` },
  });
  return { subject: `Reset your ${PORTAL_NAME} password`, html, text };
}
