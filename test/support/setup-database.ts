// Runs before each integration test file is imported: a fresh copy of the migrated database, its own data folder.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-file-'));
const file = path.join(dir, 'portal.db');
fs.copyFileSync(inject('baseDatabase'), file);
process.env.DATABASE_PATH = file;
process.env.DATA_DIR = dir;
process.env.MAIL_DIR = path.join(dir, 'mail');
process.env.UPLOAD_DIR = path.join(dir, 'uploads');
process.env.APP_URL ??= 'http://localhost:3000';
process.env.SESSION_SECRET ??= 'test-secret-test-secret-test-secret-0123';
delete process.env.SMTP_URL;
