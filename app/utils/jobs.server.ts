// Background work in the server process: the mail worker, and a minute timer that queues due reminders, batched
// reply notifications and scheduled (or automatic) digests, and marks digests whose mail has all gone as sent.
// Queuing is idempotent (dedupe keys), so a restart or a second process never queues a message twice.
import { runDigestJobs } from '~/models/digests.server';
import { queueThreadNotifications } from '~/models/discussions.server';
import { extractPendingTexts } from '~/models/resources.server';
import { queueDueReminders } from '~/models/rsvps.server';
import { removeStaleUploads } from './uploads.server';
import { startMailWorker } from './mail.server';

export type BackgroundJobs = { stop(): Promise<void> };

export function startBackgroundJobs({ reminderIntervalMs = 60_000 } = {}): BackgroundJobs {
  const mail = startMailWorker();
  const everyMinute = () => {
    try {
      queueDueReminders();
    } catch (error) {
      console.error('reminders:', error);
    }
    try {
      queueThreadNotifications();
    } catch (error) {
      console.error('thread notifications:', error);
    }
    try {
      runDigestJobs();
    } catch (error) {
      console.error('digests:', error);
    }
  };
  // Text inside uploaded documents is extracted off the request path; uploads also nudge it directly.
  const extractTexts = () => void extractPendingTexts().catch((error) => console.error('text extraction:', error));
  const cleanUploads = () => void removeStaleUploads().catch((error) => console.error('upload cleanup:', error));
  const timers = [
    setInterval(everyMinute, reminderIntervalMs),
    setInterval(extractTexts, 30_000),
    setInterval(cleanUploads, 60 * 60_000),
  ];
  for (const t of timers) t.unref();
  everyMinute();
  extractTexts();
  cleanUploads();
  return {
    async stop() {
      for (const t of timers) clearInterval(t);
      await mail.stop();
    },
  };
}
