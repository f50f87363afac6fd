// Email digests: what other organisations have started, published and decided, so nobody repeats their work.
//
// - A coordinator creates a digest: it gathers what is new since the last one into digest_items (a JSON snapshot
//   per item, so the email never queries), writes an introduction, removes and reorders items, picks the audience,
//   previews it as any member would see it, sends a test to themselves, sends it now or schedules it.
// - Sending queues one outbox row per recipient (dedupe key digest:<id>:<userId>) in ONE immediate transaction,
//   together with digest_recipients (which outbox row) and digest_items_sent (which items each member has had).
//   The outbox worker delivers; a restart resumes where it stopped (docs/decisions/001-outbox.md).
// - Recipients: active members whose digest frequency is not "off" and whose address has not bounced.
// - The optional automatic mode (DIGEST_AUTOMATIC=true) sends each member their own digest at their chosen
//   frequency, with only items they have never been sent, and skips members with nothing new.
// - Permanent failures of digest mail mark the address bounced (users.email_bounced_at): no more digests to it.
//
// Speed: composing and queuing for 10,000 members runs in one transaction with prepared statements; the email's
// shared parts are rendered once (emails/digest.ts). Measured by scripts/bench-digest.ts.
// Decisions and their consequences (exactly-once, the one duplicate window SMTP leaves): docs/decisions/007-digests.md.

export {
  DEFAULT_PERIOD_MS,
  type DigestFrequency,
  FREQUENCY_DAYS,
  FREQUENCY_LABELS,
  DIGEST_STATUS_LABELS,
  type DigestStatus,
} from './digests/shared.server';
export { type GatheredItem, gatherDigestItems } from './digests/gathering.server';
export {
  type DigestAudience,
  AUDIENCE_KINDS,
  AUDIENCE_KIND_LABELS,
  parseAudience,
  parseAudienceForm,
  recipientsFor,
  countRecipients,
  exclusionReason,
  previewRecipientOptions,
} from './digests/audience.server';
export {
  type DigestItemView,
  listDigestItems,
  type DeliveryCounts,
  listDigests,
  type DeliveryReport,
  deliveryReport,
  type DigestView,
  getDigest,
} from './digests/reading.server';
export {
  type Outcome,
  defaultSubject,
  lastDigestSentAt,
  hasNews,
  createDigest,
  introPlainText,
  digestTextSchema,
  updateDigestText,
  removeDigestItem,
  moveDigestItem,
  setDigestAudience,
  deleteDigest,
} from './digests/composing.server';
export {
  type DigestPreview,
  previewFor,
  sendTestToSelf,
  type SendOutcome,
  sendDigest,
  scheduleDigest,
  unscheduleDigest,
} from './digests/rendering.server';
export {
  sendScheduledDigests,
  finishDeliveredDigests,
  recordPermanentFailures,
  automaticDigestsEnabled,
  type AutomaticOutcome,
  runAutomaticDigests,
  AUTOMATIC_INTERVAL_MS,
  runDigestJobs,
} from './digests/jobs.server';
export {
  notificationSettingsSchema,
  type NotificationSettingsInput,
  getNotificationSettings,
  updateNotificationSettings,
  type UnsubscribeLookup,
  unsubscribeDetails,
  unsubscribeByToken,
} from './digests/preferences.server';
export { DIGEST_SECTIONS, DIGEST_SECTION_LABELS } from '../../emails/digest';
export type { DigestItemPayload, DigestSection } from '../../emails/digest';
