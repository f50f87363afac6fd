// Crash during writes: a child process writes through the real models in transactions and reports each commit; we
// kill it with SIGKILL at random moments, many times, against the same file. After every kill the database must pass
// `PRAGMA integrity_check`, hold every organisation the child said it committed, and hold no half transaction (every
// organisation the writer made has exactly its four audit entries).
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';

const KILLS = 24;

type Writer = { run: number; child: ChildProcessWithoutNullStreams; ready: Promise<void>; stderr: () => string };

/** Starts a writer; it opens the database, says "ready" and waits for "go" (so the next one warms up meanwhile). */
function startWriter(run: number): Writer {
  const child = spawn(process.execPath, ['--import', 'tsx', path.resolve('test/support/crash-writer.ts'), String(run)], {
    cwd: process.cwd(),
    env: { ...process.env }, // DATABASE_PATH of this file's database
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdout.setEncoding('utf8');
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: string) => {
      if (chunk.startsWith('ready\n')) {
        child.stdout.off('data', onData);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', (code, signal) => reject(new Error(`Writer ${run} exited before it was ready (${code ?? signal}):\n${stderr}`)));
  });
  ready.catch(() => {}); // observed by whoever awaits it
  return { run, child, ready, stderr: () => stderr };
}

/** Tells a ready writer to go, waits until it has reported `afterCommits` commits, kills it with SIGKILL. */
function goAndKill(writer: Writer, afterCommits: number): Promise<{ reported: number[]; signal: NodeJS.Signals | null }> {
  const { child } = writer;
  const reported: number[] = [];
  let buffer = '';
  let killed = false;
  const kill = () => {
    if (!killed) {
      killed = true;
      child.kill('SIGKILL');
    }
  };
  child.stdout.on('data', (chunk: string) => {
    buffer += chunk;
    let newline: number;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      const match = /^committed (\d+)$/.exec(line);
      // Lines that arrive after we decided to kill still count: the child printed them after its commit returned.
      if (match) reported.push(Number(match[1]));
      if (reported.length >= afterCommits) kill();
    }
  });
  const done = new Promise<{ reported: number[]; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.once('close', (code, signal) => {
      if (!killed) reject(new Error(`Writer ${writer.run} exited by itself (${code ?? signal}):\n${writer.stderr()}`));
      else resolve({ reported, signal });
    });
  });
  child.stdin.write('go\n');
  if (afterCommits === 0) kill(); // somewhere in its first transaction, or before it
  return done;
}

function inspect(file: string) {
  const sqlite = new Database(file, { fileMustExist: true });
  try {
    const integrity = (sqlite.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).join('\n');
    const organisations = new Set(
      sqlite.prepare("select id from organisations where name like 'Crash test %'").pluck().all() as number[],
    );
    // Every organisation the writer made must carry exactly its own four audit rows: one from createOrganisation,
    // three from the writer. Any other count would be a transaction applied in part.
    const partial = sqlite
      .prepare(
        `select o.id, (select count(*) from audit_log a where a.target_type = 'organisation' and a.target_id = o.id) as audits
         from organisations o where o.name like 'Crash test %' and audits <> 4`,
      )
      .all();
    return { integrity, organisations, partial };
  } finally {
    sqlite.close();
  }
}

describe('a writer killed with SIGKILL at random moments', () => {
  it(`never corrupts the file, loses a reported commit or keeps half a transaction, over ${KILLS} kills`, async () => {
    const file = process.env.DATABASE_PATH!;
    const everReported = new Set<number>();
    const reportedPerRun: number[] = [];
    let next = startWriter(1);
    try {
      for (let run = 1; run <= KILLS; run++) {
        const writer = next;
        await writer.ready;
        // The next writer starts (and opens the database) while this one writes and dies, as a restarted server would.
        if (run < KILLS) next = startWriter(run + 1);
        // Kill points: at once, after a few commits, after many (past the WAL's automatic checkpoint at 1,000 pages,
        // so some kills land inside a checkpoint). Measured in commits the child reported, not in time.
        const afterCommits = run === 1 ? 0 : Math.floor(Math.random() ** 2 * 400);
        const { reported, signal } = await goAndKill(writer, afterCommits);
        expect(signal, writer.stderr()).toBe('SIGKILL');
        expect(writer.stderr()).toBe('');
        for (const id of reported) everReported.add(id);
        reportedPerRun.push(reported.length);

        const { integrity, organisations, partial } = inspect(file);
        expect(integrity, `integrity after kill ${run}`).toBe('ok');
        const missing = [...everReported].filter((id) => !organisations.has(id));
        expect(missing, `commits reported but missing after kill ${run}`).toEqual([]);
        expect(partial, `half-applied transactions after kill ${run}`).toEqual([]);
      }
    } finally {
      if (next.child.exitCode === null && next.child.signalCode === null) next.child.kill('SIGKILL');
    }
    // The test must have exercised real writes: many commits in total, and kills at many different depths.
    expect(everReported.size).toBeGreaterThan(KILLS * 20);
    expect(new Set(reportedPerRun).size).toBeGreaterThan(KILLS / 2);
    console.info(
      `crash-writes: ${KILLS} kills, ${everReported.size} reported commits, all present; commits per run: ${reportedPerRun.join(' ')}`,
    );
  });
});
