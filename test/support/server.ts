// Runs the production build (build/ must exist: `npm run test:e2e` builds first) as a child process on a free
// port, against its own migrated and seeded temporary database, for browser tests.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');

export type Portal = {
  url: string;
  port: number;
  /** The database file the portal is using (tests may read it, never needed to pass). */
  databasePath: string;
  /** Everything the server printed so far. */
  output(): string;
  /** The server's process id, for tests that signal it themselves (test/reliability/shutdown.test.ts). */
  pid: number;
  /** Settles when the server process has exited, with its exit code or signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
};

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

let baseDatabase: string | undefined;
/** Migrates one fresh database per test process; each portal gets a copy. */
function migratedDatabase(): string {
  if (baseDatabase && fs.existsSync(baseDatabase)) return baseDatabase;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-e2e-base-'));
  const file = path.join(dir, 'base.db');
  const sqlite = new Database(file);
  migrate(drizzle(sqlite), { migrationsFolder: path.join(ROOT, 'drizzle') });
  sqlite.pragma('journal_mode = DELETE'); // one self-contained file, safe to copy
  sqlite.close();
  process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return (baseDatabase = file);
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited with ${code}:\n${output}`)),
    );
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * How `npm run serve` starts the server: through the tsx CLI, a supervisor process that relays signals to the real
 * server (and SIGKILLs it if it has not acknowledged a SIGTERM within about 30 ms, which a busy server cannot), or
 * as one process, `node --import tsx server.ts`. The portal here is started the same way, so the shutdown test
 * (test/reliability/shutdown.test.ts) sees what production does.
 */
export function serveLauncher(): 'tsx' | 'node' {
  const scripts = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts as Record<string, string>;
  return /\bnode\b[^&|;]*--(?:import|loader)[= ]tsx\b/.test(scripts.serve ?? '') ? 'node' : 'tsx';
}

export async function startPortal(
  options: {
    env?: Record<string, string | undefined>;
    launcher?: 'tsx' | 'node';
    port?: number;
    /** Runs the server under another program (Litestream's `replicate -exec`): given the command, returns what to spawn. */
    wrap?: (command: string, args: string[], env: NodeJS.ProcessEnv) => [string, string[]];
  } = {},
): Promise<Portal> {
  if (!fs.existsSync(path.join(ROOT, 'build/server/index.js'))) {
    throw new Error('No production build in build/: run `npm run build` first (npm run test:e2e does).');
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-e2e-'));
  // The server runs in a folder with its own copy of build/, so a rebuild while the tests run (a developer's
  // `npm run build`, say) cannot swap the assets out from under it.
  const cwd = path.join(dir, 'app');
  fs.cpSync(path.join(ROOT, 'build'), path.join(cwd, 'build'), { recursive: true });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(cwd, 'node_modules'), 'dir');
  const databasePath = path.join(dir, 'portal.db');
  fs.copyFileSync(migratedDatabase(), databasePath);
  // A test may choose the port first, when something started before the portal must know its address.
  const port = options.port ?? (await freePort());
  const url = `http://localhost:${port}`;

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    PORT: String(port),
    DATABASE_PATH: databasePath,
    DATA_DIR: dir,
    MAIL_DIR: path.join(dir, 'mail'),
    UPLOAD_DIR: path.join(dir, 'uploads'),
    APP_URL: url,
    MAIL_WORKER_INTERVAL_MS: '200',
    SESSION_SECRET: 'e2e-secret-e2e-secret-e2e-secret-0123456789',
    MIGRATIONS_DIR: path.join(ROOT, 'drizzle'),
    TSX_TSCONFIG_PATH: path.join(ROOT, 'tsconfig.json'),
    ...options.env,
  };
  // Vitest's own variables would make the server think it is under test.
  for (const key of Object.keys(env)) if (key.startsWith('VITEST')) delete env[key];
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete env[key];

  await run(TSX, ['db/seed.ts'], env);

  const launcher = options.launcher ?? serveLauncher();
  const [command, args] =
    launcher === 'node' ? [process.execPath, ['--import', 'tsx', path.join(ROOT, 'server.ts')]] : [TSX, [path.join(ROOT, 'server.ts')]];
  const [wrappedCommand, wrappedArgs] = options.wrap ? options.wrap(command, args, env) : [command, args];
  const child = spawn(wrappedCommand, wrappedArgs, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exitedWith = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  let output = '';
  const onOutput = (d: Buffer) => {
    output += d.toString();
    if (process.env.PORTAL_LOG) process.stderr.write(d);
  };
  child.stdout!.on('data', onOutput);
  child.stderr!.on('data', onOutput);

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      child.kill('SIGTERM');
      await exited(child);
      clearTimeout(killer);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };

  try {
    // The server prints one line when it listens; wait for it (or for the process to die), then ask /healthz.
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`The portal did not start within 60 s:\n${output}`)), 60_000);
      const check = () => {
        if (/listening on/i.test(output)) {
          clearTimeout(timer);
          child.stdout!.off('data', check);
          resolve();
        }
      };
      child.stdout!.on('data', check);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`The portal exited during start (${code ?? signal}):\n${output}`));
      });
      check();
    });
    const health = await fetch(`${url}/healthz`);
    if (health.status !== 200) throw new Error(`GET /healthz answered ${health.status}:\n${output}`);
  } catch (error) {
    await stop();
    throw error;
  }

  return { url, port, databasePath, output: () => output, pid: child.pid!, exited: exitedWith, stop };
}
