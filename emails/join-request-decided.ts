import { type EmailBlock, type EmailMessage, PORTAL_NAME, greeting, renderEmail, signOff } from './layout';

export interface JoinRequestDecidedEmailInput {
  appUrl: string;
  name: string;
  approved: boolean;
  loginUrl: string;
  /** Optional message from the coordinator who made the decision. */
  note?: string;
}

export function joinRequestDecidedEmail(input: JoinRequestDecidedEmailInput): EmailMessage {
  const { appUrl, name, approved, loginUrl } = input;
  const note = input.note?.trim();
  const noteBlocks: EmailBlock[] = note ? [{ kind: 'quote', label: 'A note from the coordinator:', text: note }] : [];

  const blocks: EmailBlock[] = approved
    ? [
        greeting(name),
        { kind: 'paragraph', text: `Good news: your request to join the ${PORTAL_NAME} has been approved. Welcome aboard!` },
        ...noteBlocks,
        { kind: 'paragraph', text: 'You can now sign in to join discussions, share resources and connect with others working on micro-credentials in engineering education.' },
        { kind: 'button', label: 'Sign in', url: loginUrl },
        signOff,
      ]
    : [
        greeting(name),
        { kind: 'paragraph', text: `Thank you for your interest in the ${PORTAL_NAME}. A coordinator has reviewed your request, and we're not able to approve it at this time.` },
        ...noteBlocks,
        { kind: 'paragraph', text: "If you think we've got this wrong, or your circumstances change, you're welcome to get in touch or request to join again." },
        signOff,
      ];

  const { html, text } = renderEmail({
    appUrl,
    title: approved ? 'Your request to join has been approved' : 'About your request to join',
    preheader: approved ? `Welcome to the ${PORTAL_NAME}. You can now sign in.` : 'A coordinator has reviewed your request.',
    blocks,
    footer: { reason: `You're receiving this email because you asked to join the ${PORTAL_NAME}.` },
  });
  return {
    subject: approved ? `Welcome to the ${PORTAL_NAME}` : `Your request to join the ${PORTAL_NAME}`,
    html,
    text,
  };
}
