// Sends whatever the outbox of DATABASE_PATH still holds (through SMTP_URL), as a restarted portal's worker would,
// then prints one line "sent <n>". Used by test/reliability/shutdown.test.ts after the server has stopped.
import { processOutbox } from '../../app/utils/mail.server';
import { db } from '../../db/client.server';

let sent = 0;
for (let handled = await processOutbox(); handled > 0; handled = await processOutbox()) sent += handled;
process.stdout.write(`sent ${sent}\n`);
db.$client.close();
