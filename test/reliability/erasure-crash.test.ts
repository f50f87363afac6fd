// Erasure and kill -9: a child process carries out an erasure and is killed with SIGKILL the moment it starts
// (inside or around its one transaction), three times; then it runs to the end. The database must pass
// integrity_check after every kill, never hold half an erasure (the name is either everywhere it was or nowhere),
// and end exactly as a copy erased without interruption: same rows in every table, same files on disk.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { sqlite } from '../../db/client.server';
import { seed } from '../../db/seed';
import { requestErasure } from '~/models/erasure.server';
import { env } from '~/utils/env.server';
import { storeBytes } from '~/utils/uploads.server';

const NAME = 'Kiri Crash-Erasure';
const EMAIL = 'kiri.crash@privacy.example';
const NOW = Date.now();
let requestId: number;
let coordinatorId: number;
let personId: number;
let ownSha: string;
let reference: { db: string; uploads: string };

function child(env: Record<string, string>, kill: boolean): Promise<{ killed: boolean; output: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', path.resolve('test/support/erasure-child.ts'), String(requestId), String(coordinatorId), String(NOW)], {
      env: { ...process.env, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    let stderr = '';
    let killed = false;
    proc.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    proc.stdout.setEncoding('utf8').on('data', (d: string) => {
      output += d;
      if (output.includes('ready\n') && !output.includes('go-sent')) {
        output += 'go-sent\n';
        proc.stdin.write('go\n');
      }
      if (kill && !killed && output.includes('erasing\n')) {
        killed = true;
        proc.kill('SIGKILL');
      }
    });
    proc.once('close', (code, signal) => {
      if (killed && signal === 'SIGKILL') resolve({ killed: true, output });
      else if (code === 0) resolve({ killed: false, output });
      else reject(new Error(`erasure child exited ${code ?? signal}:\n${stderr}`));
    });
  });
}

function open(file: string) {
  return new Database(file, { fileMustExist: true });
}

/** Every ordinary table's rows (FTS shadow tables excepted: integrity_check and the FTS query cover them). */
function contents(file: string): Record<string, unknown[]> {
  const d = open(file);
  try {
    const out: Record<string, unknown[]> = {};
    const tables = d.prepare(`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and sql not like 'CREATE VIRTUAL%' and name not like '%fts%'`).pluck().all() as string[];
    for (const t of tables) {
      // Columns the database fills with the current time differ between two runs; everything else must match.
      const cols = (d.prepare('select name from pragma_table_info(?)').pluck().all(t) as string[]).filter((c) => !['created_at', 'updated_at', 'next_attempt_at'].includes(c));
      // An invitation's DTSTAMP is the moment it was written, as the standard asks.
      out[t] = (d.prepare(`select ${cols.map((c) => `"${c}"`).join(', ')} from "${t}" order by rowid`).all() as Record<string, unknown>[]).map((row) =>
        Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'string' ? v.replace(/DTSTAMP:\d{8}T\d{6}Z/g, 'DTSTAMP') : v])),
      );
    }
    return out;
  } finally {
    d.close();
  }
}

function inspect(file: string) {
  const d = open(file);
  try {
    const integrity = d.pragma('integrity_check', { simple: true });
    const ftsIntegrity = d.prepare(`insert into search_fts (search_fts) values ('integrity-check')`).run() && 'ok';
    const name = (d.prepare('select name from users where id = ?').pluck().get(personId) as string) ?? null;
    const postsWithName = d.prepare(`select count(*) from posts where body_md like ?`).pluck().get(`%${NAME}%`) as number;
    const ftsHits = d.prepare(`select count(*) from search_fts where search_fts match ?`).pluck().get(`"Crash-Erasure"`) as number;
    const status = d.prepare('select status from erasure_requests where id = ?').pluck().get(requestId) as string;
    return { integrity, ftsIntegrity, name, postsWithName, ftsHits, status };
  } finally {
    d.close();
  }
}

beforeAll(async () => {
  await seed();
  coordinatorId = sqlite.prepare(`select id from users where email = 'coordinator@demo.example'`).pluck().get() as number;
  const org = sqlite.prepare('select id from organisations order by id limit 1').pluck().get() as number;
  personId = Number(sqlite.prepare(`insert into users (email, name, organisation_id, bio) values (?, ?, ?, 'A biography')`).run(EMAIL, NAME, org).lastInsertRowid);
  const other = sqlite.prepare(`select id from users where email = 'member@demo.example'`).pluck().get() as number;
  const thread = sqlite.prepare('select id from threads order by id limit 1').pluck().get() as number;
  let n = sqlite.prepare('select max(number) from posts where thread_id = ?').pluck().get(thread) as number;
  for (let i = 0; i < 20; i++) {
    sqlite.prepare('insert into posts (thread_id, author_id, number, body_md, body_html) values (?, ?, ?, ?, ?)').run(thread, i % 2 ? other : personId, ++n, `Post ${i} about ${NAME}`, `<p>Post ${i} about ${NAME}</p>`);
  }
  const future = Number(
    sqlite.prepare(`insert into workshops (slug, title, starts_at, ends_at, mode, capacity, status) values ('crash-future', 'Crash future', ?, ?, 'online', 1, 'scheduled')`).run(NOW + 864e5 * 30, NOW + 864e5 * 30 + 36e5).lastInsertRowid,
  );
  sqlite.prepare(`insert into rsvps (workshop_id, user_id, response, seat_status, responded_at) values (?, ?, 'going', 'confirmed', ?)`).run(future, personId, NOW);
  sqlite.prepare(`insert into rsvps (workshop_id, user_id, response, seat_status, waitlisted_at, responded_at) values (?, ?, 'going', 'waitlisted', ?, ?)`).run(future, other, NOW, NOW);
  sqlite.prepare(`insert into outbox (dedupe_key, to_address, subject, html, text) values ('crash:pending', ?, 'For Kiri', '', '')`).run(EMAIL);
  ownSha = (await storeBytes(new TextEncoder().encode('Kiri only'))).sha256;
  sqlite.prepare(`insert into stored_files (sha256, size, mime_type) values (?, 9, 'text/plain')`).run(ownSha);
  const resource = Number(sqlite.prepare(`insert into resources (title, kind, uploaded_by_id) values ('Kiri notes', 'report', ?)`).run(personId).lastInsertRowid);
  sqlite.prepare(`insert into resource_versions (resource_id, version_number, sha256, original_name, uploaded_by_id) values (?, 1, ?, 'kiri.txt', ?)`).run(resource, ownSha, personId);
  const person = { id: personId, email: EMAIL, name: NAME, role: 'member' as const, organisationId: org, organisationName: '', organisationSlug: '' };
  expect(requestErasure(person, { removePosts: false }).ok).toBe(true);
  requestId = sqlite.prepare('select id from erasure_requests where user_id = ?').pluck().get(personId) as number;

  // The reference: the same database and files, erased without interruption.
  const dir = path.dirname(process.env.DATABASE_PATH!);
  reference = { db: path.join(dir, 'reference.db'), uploads: path.join(dir, 'reference-uploads') };
  await sqlite.backup(reference.db);
  fs.cpSync(env().UPLOAD_DIR, reference.uploads, { recursive: true });
});

describe('kill -9 during an erasure', () => {
  it('ends in the same state as an uninterrupted erasure, with integrity ok after every kill', async () => {
    const clean = await child({ DATABASE_PATH: reference.db, UPLOAD_DIR: reference.uploads }, false);
    expect(clean.output).toContain('done {"ok":true');

    let killedInside = 0;
    for (let attempt = 0; attempt < 3; attempt++) {
      const { killed } = await child({}, true);
      expect(killed).toBe(true);
      const state = inspect(process.env.DATABASE_PATH!);
      expect(state.integrity).toBe('ok');
      // Never half done: either nothing of the erasure is there, or all of it.
      if (state.status === 'pending') {
        killedInside++;
        expect(state).toMatchObject({ name: NAME, postsWithName: 20 });
        expect(state.ftsHits).toBeGreaterThan(0);
      } else {
        expect(state).toMatchObject({ status: 'erased', name: 'Former member', postsWithName: 0, ftsHits: 0 });
      }
    }
    console.log(`${killedInside} of 3 kills landed before the erasure committed`);
    const rerun = await child({}, false);
    expect(rerun.output).toMatch(/done \{"ok":true/);

    expect(inspect(process.env.DATABASE_PATH!)).toMatchObject({ integrity: 'ok', status: 'erased', name: 'Former member', postsWithName: 0, ftsHits: 0 });
    expect(contents(process.env.DATABASE_PATH!)).toEqual(contents(reference.db));
    expect(fs.existsSync(path.join(env().UPLOAD_DIR, ownSha))).toBe(false);
    expect(fs.readdirSync(env().UPLOAD_DIR).sort()).toEqual(fs.readdirSync(reference.uploads).sort());
  });
});
