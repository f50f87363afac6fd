// `npm run litestream -- <litestream arguments>` and `npm run serve:replicated`: runs the Litestream binary that npm
// installed (the optional dependency @flydotio/litestream-linux-x64; Litestream on PATH elsewhere), with
// DATABASE_PATH defaulting to data/portal.db as the portal's does, so litestream.yml can say `${DATABASE_PATH}`.
// Signals are passed on and Litestream's exit status becomes ours.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

function litestreamBinary() {
  try {
    const packageJson = createRequire(import.meta.url).resolve('@flydotio/litestream-linux-x64/package.json');
    const binary = path.join(path.dirname(packageJson), 'litestream');
    if (fs.existsSync(binary)) return binary;
  } catch {
    // not installed (another platform, or --omit=optional): fall back to PATH
  }
  return 'litestream';
}

const args = process.argv.slice(2);
process.env.DATABASE_PATH = path.resolve(process.env.DATABASE_PATH || 'data/portal.db');
process.env.LITESTREAM_PATH ||= 'portal';
if (args.includes('litestream.yml') && !process.env.LITESTREAM_BUCKET) {
  console.error('LITESTREAM_BUCKET is not set: litestream.yml replicates to the S3-compatible bucket it names (docs/operations.md, "Backups").');
  process.exit(1);
}
const child = spawn(litestreamBinary(), args, { stdio: 'inherit' });
child.once('error', (error) => {
  console.error(`Cannot run Litestream (${error.message}): npm ci installs it on Linux x64; elsewhere put it on PATH.`);
  process.exit(1);
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
child.once('exit', (code, signal) => process.exit(code ?? (signal === 'SIGINT' ? 130 : 143)));
