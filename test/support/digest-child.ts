// The sending process test/integration/digest-crash.test.ts kills with SIGKILL and then starts again. Usage:
//   DATABASE_PATH=... SMTP_URL=... node --import tsx test/support/digest-child.ts <digestId> [clockOffsetMs]
// Opens the database the way the portal does, sends the digest (sendDigest: a no-op answer if it was already
// queued, as after a restart), then processes the outbox until nothing is due, exactly as the server's worker does.
// clockOffsetMs moves this process's idea of "now" forward: a restarted worker sees the dead worker's leases as
// expired (in production it simply waits out the two-minute lease). Prints "queued <outcome json>", then
// "done <messages handled>".
import { sendDigest } from '../../app/models/digests.server';
import { processOutbox } from '../../app/utils/mail.server';

const digestId = Number(process.argv[2]);
const offset = Number(process.argv[3] ?? 0);
if (!Number.isSafeInteger(digestId) || digestId <= 0 || !Number.isFinite(offset)) {
  console.error('usage: digest-child.ts <digestId> [clockOffsetMs]');
  process.exit(2);
}

const outcome = sendDigest(null, digestId);
process.stdout.write(`queued ${JSON.stringify(outcome)}\n`);
let handled = 0;
for (let n = await processOutbox(Date.now() + offset); n > 0; n = await processOutbox(Date.now() + offset)) handled += n;
process.stdout.write(`done ${handled}\n`);
