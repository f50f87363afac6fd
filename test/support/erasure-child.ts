// The process test/reliability/erasure-crash.test.ts kills with SIGKILL in the middle of an erasure. Usage:
//   DATABASE_PATH=... UPLOAD_DIR=... node --import tsx test/support/erasure-child.ts <requestId> <coordinatorId> <now>
// Opens the database as the portal does, prints "ready", waits for "go", prints "erasing" and carries out the
// request through the real model (one transaction, then file removal), then prints "done <message>".
import readline from 'node:readline';
import { eraseAccount } from '../../app/models/erasure.server';
import { sqlite } from '../../db/client.server';

const [requestId, coordinatorId, now] = process.argv.slice(2).map(Number);
const coordinator = sqlite
  .prepare(`select u.id, u.email, u.name, u.role, o.id as organisationId, o.name as organisationName, o.slug as organisationSlug from users u join organisations o on o.id = u.organisation_id where u.id = ?`)
  .get(coordinatorId) as never;
const lines = readline.createInterface({ input: process.stdin });
const go = new Promise<void>((resolve) => lines.on('line', (line) => line.trim() === 'go' && resolve()));
process.stdout.write('ready\n');
await go;
lines.close();
process.stdout.write('erasing\n');
const outcome = await eraseAccount(coordinator, requestId!, now);
process.stdout.write(`done ${JSON.stringify(outcome)}\n`);
sqlite.close();
