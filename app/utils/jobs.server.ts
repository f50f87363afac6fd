// Background work in the server process: the mail worker, and a minute timer that queues due reminders.
// Queuing is idempotent (dedupe keys), so a restart or a second process never queues a message twice.
import { queueDueReminders } from '~/models/rsvps.server';
import { startMailWorker } from './mail.server';

export type BackgroundJobs = { stop(): Promise<void> };

export function startBackgroundJobs({ reminderIntervalMs = 60_000 } = {}): BackgroundJobs {
  const mail = startMailWorker();
  const queueReminders = () => {
    try {
      queueDueReminders();
    } catch (error) {
      console.error('reminders:', error);
    }
  };
  const timer = setInterval(queueReminders, reminderIntervalMs);
  timer.unref();
  queueReminders();
  return {
    async stop() {
      clearInterval(timer);
      await mail.stop();
    },
  };
}
