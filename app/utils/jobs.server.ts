// Background work in the server process: the mail worker, and a minute timer that queues due reminders, batched
// reply notifications and scheduled (or automatic) digests, and marks digests whose mail has all gone as sent;
// data exports (woken on request) and the daily retention run.
// Queuing is idempotent (dedupe keys), so a restart or a second process never queues a message twice.
import { buildPendingExports, onExportRequested } from '~/models/data-export.server';
import { runDigestJobs } from '~/models/digests.server';
import { finishErasures } from '~/models/erasure.server';
import { queueThreadNotifications } from '~/models/discussions.server';
import { extractPendingTexts } from '~/models/resources.server';
import { runRetentionIfDue } from '~/models/retention.server';
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
  // Privacy (issue 18): data exports are built off the request path (a request wakes the builder at once), and the
  // retention rules run once a day (the hourly check asks whether a day has passed since the last recorded run).
  let building: Promise<unknown> | null = null;
  const buildExports = () => {
    building ??= buildPendingExports()
      .catch((error) => console.error('data exports:', error))
      .finally(() => (building = null));
  };
  onExportRequested(() => setImmediate(buildExports));
  // Retention, and files of erasures whose process stopped between the commit and the file removal.
  const retention = () => {
    void finishErasures().catch((error) => console.error('erasure files:', error));
    void runRetentionIfDue().catch((error) => console.error('retention:', error));
  };
  const timers = [
    setInterval(everyMinute, reminderIntervalMs),
    setInterval(extractTexts, 30_000),
    setInterval(cleanUploads, 60 * 60_000),
    setInterval(buildExports, 30_000),
    setInterval(retention, 60 * 60_000),
  ];
  for (const t of timers) t.unref();
  everyMinute();
  extractTexts();
  cleanUploads();
  buildExports();
  retention();
  return {
    async stop() {
      for (const t of timers) clearInterval(t);
      onExportRequested(undefined);
      await building;
      await mail.stop();
    },
  };
}
