import { type EmailMessage, PORTAL_NAME, greeting, renderEmail, signOff } from './layout';

/** What changed about how someone signs in: each is emailed, so a change they did not make is noticed. */
export type SecurityChange =
  | { kind: 'passkey-added'; label: string }
  | { kind: 'passkey-removed'; label: string }
  | { kind: 'totp-added' }
  | { kind: 'totp-removed' }
  | { kind: 'recovery-codes-regenerated' }
  | { kind: 'password-changed' };

export interface SecurityChangeEmailInput {
  appUrl: string;
  name: string;
  change: SecurityChange;
  /** When it happened, already written in New Zealand time. */
  when: string;
}

function describe(change: SecurityChange): { subject: string; sentence: string } {
  switch (change.kind) {
    case 'passkey-added':
      return { subject: 'A passkey was added to your account', sentence: `A passkey named “${change.label}” was added to your account.` };
    case 'passkey-removed':
      return { subject: 'A passkey was removed from your account', sentence: `The passkey named “${change.label}” was removed from your account.` };
    case 'totp-added':
      return { subject: 'An authenticator app was set up for your account', sentence: 'An authenticator app was set up as a second factor for your account.' };
    case 'totp-removed':
      return { subject: 'Your authenticator app was removed', sentence: 'The authenticator app was removed from your account; its codes no longer sign you in.' };
    case 'recovery-codes-regenerated':
      return { subject: 'New recovery codes were made for your account', sentence: 'New recovery codes were made for your account; the old ones no longer work.' };
    case 'password-changed':
      return { subject: 'Your password was changed', sentence: 'The password of your account was changed, and every other session was signed out.' };
  }
}

export function securityChangeEmail({ appUrl, name, change, when }: SecurityChangeEmailInput): EmailMessage {
  const { subject, sentence } = describe(change);
  const { html, text } = renderEmail({
    appUrl,
    title: subject,
    preheader: sentence,
    blocks: [
      greeting(name),
      { kind: 'paragraph', text: `${sentence} (${when})` },
      { kind: 'button', label: 'Review your security settings', url: `${appUrl}/settings/security` },
      { kind: 'paragraph', text: "If this wasn't you, change your password at once and tell a coordinator." },
      signOff,
    ],
    footer: { reason: `You're receiving this email because how you sign in to the ${PORTAL_NAME} changed.` },
  });
  return { subject, html, text };
}

export interface RecoveryCodeUsedEmailInput {
  appUrl: string;
  name: string;
  remaining: number;
  when: string;
}

export function recoveryCodeUsedEmail({ appUrl, name, remaining, when }: RecoveryCodeUsedEmailInput): EmailMessage {
  const left = remaining === 1 ? '1 recovery code is left' : `${remaining} recovery codes are left`;
  const { html, text } = renderEmail({
    appUrl,
    title: 'A recovery code was used',
    preheader: `Someone signed in to your account with a recovery code. ${left}.`,
    blocks: [
      greeting(name),
      { kind: 'paragraph', text: `A recovery code was used to sign in to your account (${when}). Each code works once; ${left}.` },
      { kind: 'button', label: 'Review your security settings', url: `${appUrl}/settings/security` },
      { kind: 'paragraph', text: "If this wasn't you, change your password, make new recovery codes and tell a coordinator." },
      signOff,
    ],
    footer: { reason: `You're receiving this email because a recovery code was used on your ${PORTAL_NAME} account.` },
  });
  return { subject: 'A recovery code was used to sign in to your account', html, text };
}
