// Background work in the server process: the mail worker, and a minute timer that queues due reminders, batched
// reply notifications and scheduled (or automatic) digests, and marks digests whose mail has all gone as sent;
// data exports (woken on request) and the daily retention run.
// Queuing is idempotent (dedupe keys), so a restart or a second process never queues a message twice.
// Each run is timed (portal_job_duration_seconds) and logs what it did when it did something, with counts.
import { buildPendingExports, onExportRequested } from '~/models/data-export.server';
import { runDigestJobs } from '~/models/digests.server';
import { finishErasures } from '~/models/erasure.server';
import { queueThreadNotifications } from '~/models/discussions.server';
import { extractPendingTexts } from '~/models/resources.server';
import { runRetentionIfDue } from '~/models/retention.server';
import { queueDueReminders } from '~/models/rsvps.server';
import { logger } from './logger.server';
import { startMailWorker } from './mail.server';
import { timeJob } from './metrics.server';
import { removeStaleUploads } from './uploads.server';

export type BackgroundJobs = { stop(): Promise<void> };

type Counts = Record<string, number | null | undefined>;

function logCounts(job: string, counts: Counts) {
  if (Object.values(counts).some((n) => typeof n === 'number' && n > 0)) logger.info({ job, ...counts }, `${job} job`);
}

/** Runs one synchronous job: timed, its counts logged when any is non-zero, its failure logged once with the stack. */
function runJob(job: string, work: () => Counts): void {
  try {
    logCounts(job, timeJob(job, work));
  } catch (error) {
    logger.error({ job, err: error }, `${job} job failed`);
  }
}

/** The same for a job that works asynchronously (reading and writing files). */
function runAsyncJob(job: string, work: () => Promise<Counts>): Promise<void> {
  return timeJob(job, work).then(
    (counts) => logCounts(job, counts),
    (error: unknown) => logger.error({ job, err: error }, `${job} job failed`),
  );
}

export function startBackgroundJobs({ reminderIntervalMs = 60_000 } = {}): BackgroundJobs {
  const mail = startMailWorker();
  const everyMinute = () => {
    runJob('reminders', () => ({ queued: queueDueReminders() }));
    runJob('thread-notifications', () => ({ queued: queueThreadNotifications() }));
    runJob('digests', () => {
      const { scheduled, automatic, bounced } = runDigestJobs();
      return { scheduledSent: scheduled, automaticQueued: automatic?.queued, bounced };
    });
  };
  // Text inside uploaded documents is extracted off the request path; uploads also nudge it directly.
  const extractTexts = () => void runAsyncJob('text-extraction', async () => ({ extracted: await extractPendingTexts() }));
  const cleanUploads = () => void runAsyncJob('upload-cleanup', async () => ({ removed: await removeStaleUploads() }));
  // Privacy (issue 18): data exports are built off the request path (a request wakes the builder at once), and the
  // retention rules run once a day (the hourly check asks whether a day has passed since the last recorded run).
  let building: Promise<unknown> | null = null;
  const buildExports = () => {
    building ??= runAsyncJob('data-exports', async () => ({ built: await buildPendingExports() })).finally(() => (building = null));
  };
  onExportRequested(() => setImmediate(buildExports));
  // Retention, and files of erasures whose process stopped between the commit and the file removal.
  const retention = () => {
    void runAsyncJob('erasure-files', async () => ({ finished: await finishErasures() }));
    void runAsyncJob('retention', async () => ({ ...((await runRetentionIfDue()) ?? {}) }));
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
