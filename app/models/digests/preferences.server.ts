import { z } from 'zod';
import { DIGEST_FREQUENCIES } from '../../../db/schema';
import { verifyUnsubscribeToken } from '~/utils/unsubscribe.server';
import { type DigestFrequency, get, run } from './shared.server';

// Members' preferences and unsubscribing

export const notificationSettingsSchema = z.object({
  digestFrequency: z.enum(DIGEST_FREQUENCIES, { error: 'Choose how often you want the digest.' }),
  replyNotifications: z.enum(['on', 'off'], { error: 'Choose whether you want emails about replies.' }),
  workshopAnnouncements: z.enum(['on', 'off'], { error: 'Choose whether you want workshop announcements.' }),
});
export type NotificationSettingsInput = z.infer<typeof notificationSettingsSchema>;

export function getNotificationSettings(userId: number) {
  const row = get<{ email: string; digestFrequency: DigestFrequency; replyNotifications: number; workshopAnnouncements: number; emailBouncedAt: number | null }>(
    `select email, digest_frequency as digestFrequency, reply_notifications as replyNotifications, workshop_announcements as workshopAnnouncements,
       email_bounced_at as emailBouncedAt from users where id = ?`,
    userId,
  );
  if (!row) return undefined;
  return { ...row, replyNotifications: !!row.replyNotifications, workshopAnnouncements: !!row.workshopAnnouncements };
}

export function updateNotificationSettings(userId: number, input: NotificationSettingsInput): void {
  run(
    'update users set digest_frequency = ?, reply_notifications = ?, workshop_announcements = ? where id = ?',
    input.digestFrequency,
    input.replyNotifications === 'on' ? 1 : 0,
    input.workshopAnnouncements === 'on' ? 1 : 0,
    userId,
  );
}

export type UnsubscribeLookup =
  | { ok: true; userId: number; name: string; email: string; frequency: DigestFrequency }
  | { ok: false; reason: 'invalid' | 'expired' };

/** Who a signed unsubscribe link belongs to. Changes nothing. */
export function unsubscribeDetails(token: string, now = Date.now()): UnsubscribeLookup {
  const verified = verifyUnsubscribeToken(token, now);
  if (!verified.ok) return verified;
  const user = get<{ name: string; email: string; frequency: DigestFrequency }>('select name, email, digest_frequency as frequency from users where id = ?', verified.userId);
  if (!user) return { ok: false, reason: 'invalid' };
  return { ok: true, userId: verified.userId, ...user };
}

/** Turns digests off for the link's member (digest_frequency 'off'); their other emails are untouched. */
export function unsubscribeByToken(token: string, now = Date.now()): UnsubscribeLookup {
  const details = unsubscribeDetails(token, now);
  if (!details.ok) return details;
  run(`update users set digest_frequency = 'off' where id = ?`, details.userId);
  return details;
}
