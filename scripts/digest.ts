// `npm run digest -- --dry-run` / `npm run digest -- --send`: the digest from the command line, for cron.
// Gathers everything new since the last digest went out (or the last 7 days) for everyone, then either prints
// what it would send and to how many people (--dry-run: changes nothing), or creates the digest, queues it for
// every recipient in one transaction and processes the outbox once (--send). With nothing new (only upcoming
// workshops the last digest already listed) --send sends nothing, so running it again right after is harmless;
// a server running at the same time shares the outbox safely.
// Exit codes: 0 done (or nothing new), 1 the digest could not be sent, 2 usage.
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { 'dry-run': { type: 'boolean', default: false }, send: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } } });
if (values.help || values['dry-run'] === values.send) {
  console.error('Usage: npm run digest -- --dry-run   (show what would be sent)\n       npm run digest -- --send      (send it to everyone now)');
  process.exit(values.help ? 0 : 2);
}

const digests = await import('../app/models/digests.server');
const { processOutbox } = await import('../app/utils/mail.server');
const { formatDate } = await import('../app/utils/time');

const now = Date.now();
const sinceAt = digests.lastDigestSentAt() ?? now - digests.DEFAULT_PERIOD_MS;
const items = digests.gatherDigestItems(sinceAt, now);
const recipients = digests.countRecipients({ kind: 'everyone' });

console.log(`What is new since ${formatDate(sinceAt)}: ${items.length} item${items.length === 1 ? '' : 's'}`);
for (const section of digests.DIGEST_SECTIONS) {
  const inSection = items.filter((i) => i.section === section);
  if (!inSection.length) continue;
  console.log(`\n${digests.DIGEST_SECTION_LABELS[section]} (${inSection.length})`);
  for (const item of inSection) console.log(`  - ${item.payload.title}`);
}
console.log(`\nRecipients: ${recipients} (everyone whose digest is on, who is active and whose address has not bounced)`);

if (values['dry-run']) {
  console.log('\nDry run: nothing was created or sent.');
  process.exit(0);
}
if (!digests.hasNews(items)) {
  console.log('\nNothing new since the last digest (only workshops it already listed), so no digest was sent.');
  process.exit(0);
}

const digestId = digests.createDigest(null, now);
const outcome = digests.sendDigest(null, digestId, now);
if (!outcome.ok) {
  console.error(`\nNot sent: ${outcome.message}`);
  process.exit(1);
}
console.log(`\nDigest ${digestId}: ${outcome.message}`);
let handled = 0;
for (let n = await processOutbox(); n > 0; n = await processOutbox()) handled += n;
digests.recordPermanentFailures();
digests.finishDeliveredDigests();
const report = digests.deliveryReport(digestId);
console.log(`Outbox processed (${handled} message${handled === 1 ? '' : 's'}): ${report.sent} sent, ${report.queued} still queued, ${report.failed} failed.`);
for (const p of report.problems.slice(0, 20)) console.log(`  ${p.status === 'failed' ? 'failed' : 'retrying'}: ${p.email}: ${p.error}`);
