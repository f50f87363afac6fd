// `npm run create-coordinator -- --email ada@example.nz --name "Ada Lovelace" [--organisation "Engineering e2e"]`
// Creates (or promotes) the first coordinator of a production portal and emails them a link to set a password.
import { parseArgs } from 'node:util';
import { z } from 'zod';

const { values } = parseArgs({
  options: { email: { type: 'string' }, name: { type: 'string' }, organisation: { type: 'string', default: 'Community of Practice' } },
});

const input = z
  .object({ email: z.string().trim().toLowerCase().email(), name: z.string().trim().min(1), organisation: z.string().trim().min(1) })
  .safeParse(values);
if (!input.success) {
  console.error('Usage: npm run create-coordinator -- --email you@example.nz --name "Your Name" [--organisation "Org name"]');
  process.exit(1);
}

const { createFirstCoordinator } = await import('../app/models/accounts.server');
const { processOutbox } = await import('../app/utils/mail.server');
const outcome = createFirstCoordinator(input.data);
await processOutbox();
console.log(outcome.message);
