import { type EmailMessage, PORTAL_NAME, greeting, renderEmail, signOff } from './layout';

export interface SignInMethodLinkedEmailInput {
  appUrl: string;
  name: string;
  /** The provider as people know it: "Microsoft", "Google", "Tuakiri". */
  providerName: string;
  /** The provider account's address, when it gave one. */
  accountEmail: string;
  securityUrl: string;
}

/** Sent when a new way to sign in is added to an account, so a takeover does not go unnoticed. */
export function signInMethodLinkedEmail({ appUrl, name, providerName, accountEmail, securityUrl }: SignInMethodLinkedEmailInput): EmailMessage {
  const account = accountEmail ? `the ${providerName} account ${accountEmail}` : `a ${providerName} account`;
  const { html, text } = renderEmail({
    appUrl,
    title: `You can now sign in with ${providerName}`,
    preheader: `A new way to sign in was added to your account.`,
    blocks: [
      greeting(name),
      { kind: 'paragraph', text: `From now on, ${account} can sign you in to the ${PORTAL_NAME}.` },
      {
        kind: 'paragraph',
        text: 'If this was you, there is nothing to do. If it was not, remove it at once in your security settings and change your password.',
      },
      { kind: 'button', label: 'Review how you sign in', url: securityUrl },
      signOff,
    ],
    footer: { reason: `You're receiving this email because the way you sign in to the ${PORTAL_NAME} changed.` },
  });
  return { subject: `New sign-in method: ${providerName}`, html, text };
}
