import { type EmailMessage, PORTAL_NAME, oneLine, renderEmail, signOff } from './layout';

export interface InvitationEmailInput {
  appUrl: string;
  inviterName: string;
  organisationName: string;
  roleLabel: string;
  acceptUrl: string;
  /** Already formatted for people, e.g. "on 12 March 2026 at 5:00 pm". */
  expiresAtText: string;
}

export function invitationEmail(input: InvitationEmailInput): EmailMessage {
  const { appUrl, inviterName, organisationName, roleLabel, acceptUrl, expiresAtText } = input;
  const inviter = oneLine(inviterName);
  const { html, text } = renderEmail({
    appUrl,
    title: "You're invited to join",
    preheader: `${inviter} has invited you to join the ${PORTAL_NAME}.`,
    blocks: [
      { kind: 'paragraph', text: 'Kia ora,' },
      { kind: 'paragraph', text: `${inviter} has invited you to join the ${PORTAL_NAME} portal.` },
      { kind: 'list', items: [`Organisation: ${organisationName}`, `Role: ${roleLabel}`] },
      {
        kind: 'paragraph',
        text: 'The Community of Practice brings together ITPs, ITOs, professional bodies, NZBED, TEC and NZQA to share ideas, resources and experience with micro-credentials in engineering education.',
      },
      { kind: 'button', label: 'Accept invitation', url: acceptUrl },
      { kind: 'paragraph', text: `This invitation expires ${expiresAtText}. If you weren't expecting it, you can safely ignore this email.` },
      signOff,
    ],
    footer: { reason: `You're receiving this email because ${inviter} invited you to the ${PORTAL_NAME}.` },
  });
  return { subject: oneLine(`${inviter} has invited you to the ${PORTAL_NAME}`), html, text };
}
