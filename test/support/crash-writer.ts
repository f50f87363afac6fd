// The process test/reliability/crash-writes.test.ts kills with SIGKILL. Usage:
//   DATABASE_PATH=... node --import tsx test/support/crash-writer.ts <run>
// Opens the database the way the portal does (db/client.server: WAL, synchronous=NORMAL, migrations), prints
// "ready", waits for a line "go" on stdin (so the test can start the next writer while killing this one), then writes
// forever, one transaction at a time, through the real models: each transaction creates an organisation
// (createOrganisation, which records its own audit entry) and records three more audit entries about it, with a
// description of random size so the WAL grows and checkpoints happen mid-run. After each COMMIT has returned it
// prints "committed <organisation id>"; a line is only ever printed for a transaction
// that must survive the process dying (WAL with synchronous=NORMAL: safe against a crash; a power cut may lose the
// last commits, which this test does not simulate).
import readline from 'node:readline';
import { db } from '../../db/client.server';
import { createOrganisation } from '../../app/models/organisations.server';
import { recordAudit } from '../../app/models/audit.server';

const run = process.argv[2] ?? String(process.pid);
const AUDITS_PER_ORG = 3;

const lines = readline.createInterface({ input: process.stdin });
const go = new Promise<void>((resolve) => lines.on('line', (line) => line.trim() === 'go' && resolve()));
process.stdout.write('ready\n');
await go;
lines.close();
for (let n = 1; ; n++) {
  const id = db.transaction((tx) => {
    const created = createOrganisation(null, {
      name: `Crash test ${run}-${n}`,
      kind: 'other',
      description: 'Kia ora, micro-credentials. '.repeat(Math.floor(Math.random() * 70)),
      website: '',
    });
    if (!created.ok) throw new Error(JSON.stringify(created.errors));
    for (let i = 1; i <= AUDITS_PER_ORG; i++) {
      recordAudit(tx, { actorId: null, action: 'crash.write', targetType: 'organisation', targetId: created.id, summary: `write ${i} of run ${run}` });
    }
    return created.id;
    // Immediate: the write lock is taken (waiting up to busy_timeout) before the first read, so another process's
    // commit between our read and our first write cannot make the upgrade fail with SQLITE_BUSY_SNAPSHOT.
  }, { behavior: 'immediate' });
  process.stdout.write(`committed ${id}\n`);
  // Let the event loop flush stdout now and then, so the parent hears about commits while we keep writing.
  if (n % 5 === 0) await new Promise(setImmediate);
}
