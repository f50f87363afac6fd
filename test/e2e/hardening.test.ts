// Faults an outside probe found (issue 14), checked against the production server as a browser or mail provider
// would meet them: the sign-in redirect with a line break in its target, a cross-site one-click unsubscribe, and
// documents heavy to read (an archive bomb; a big DOCX whose reading must not hold up the server).
import Database from 'better-sqlite3';
import yazl from 'yazl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPortal, type Portal } from '../support/server';

const DEMO_PASSWORD = 'stack-the-credentials';
// The server signs unsubscribe links with this; the test signs one the same way (app/utils/unsubscribe.server.ts).
const SECRET = 'hardening-secret-hardening-secret-0123456789';

let portal: Portal;
let database: Database.Database;

beforeAll(async () => {
  portal = await startPortal({ env: { SESSION_SECRET: SECRET } });
  database = new Database(portal.databasePath);
  database.pragma('busy_timeout = 5000');
});

afterAll(async () => {
  database?.close();
  await portal?.stop();
});

function post(path: string, body: string, headers: Record<string, string> = {}) {
  return fetch(`${portal.url}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body,
  });
}

describe('sign-in redirects through the production server', () => {
  it.each(['/%0A/evil.example', '/%0D/evil.example', '/%09/evil.example', '/\n/evil.example', '/\t/evil.example'])(
    'a correct sign-in with redirectTo %j lands on / with a session',
    async (target) => {
      const body = new URLSearchParams({ email: 'member@demo.example', password: DEMO_PASSWORD, redirectTo: target }).toString();
      const res = await post('/login', body, { Origin: portal.url });
      expect(res.status).toBe(302);
      expect(res.headers.get('Location')).toBe('/');
      const cookie = res.headers.getSetCookie().find((c) => c.startsWith('__session='))!;
      expect(cookie).toBeDefined();
      const home = await fetch(`${portal.url}/settings/profile`, { redirect: 'manual', headers: { Cookie: cookie.split(';')[0]! } });
      expect(home.status).toBe(200);
    },
  );
});

describe('one-click unsubscribe from another site', () => {
  const evil = { Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site' };

  it('answers a bad token with the page’s 400, not a 500', async () => {
    const res = await post('/unsubscribe/not-a-token', 'List-Unsubscribe=One-Click', evil);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('This unsubscribe link does not work');
  });

  it('unsubscribes with a valid token, as the mail provider’s POST would', async () => {
    process.env.SESSION_SECRET = SECRET;
    const { signUnsubscribeToken } = await import('~/utils/unsubscribe.server');
    const member = database.prepare("select id from users where email = 'member@demo.example'").get() as { id: number };
    const frequency = () => (database.prepare('select digest_frequency as f from users where id = ?').get(member.id) as { f: string }).f;
    expect(frequency()).not.toBe('off');
    const res = await post(`/unsubscribe/${signUnsubscribeToken(member.id)}`, 'List-Unsubscribe=One-Click', evil);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('You are unsubscribed');
    expect(frequency()).toBe('off');
  });

  it('still refuses a cross-site post anywhere else with 403', async () => {
    const res = await post('/login', 'email=member%40demo.example&password=x', evil);
    expect(res.status).toBe(403);
  });
});

/** A DOCX (yazl, deflated) whose document.xml is `body` inside the usual wrapper. */
function docx(body: Buffer): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  zip.addBuffer(
    Buffer.from(
      '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
    ),
    '[Content_Types].xml',
  );
  zip.addBuffer(
    Buffer.from(
      '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
    ),
    '_rels/.rels',
  );
  const head = Buffer.from('<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>');
  zip.addBuffer(Buffer.concat([head, body, Buffer.from('</w:body></w:document>')]), 'word/document.xml', { compress: true });
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });
}

async function signedInCookie(email: string): Promise<string> {
  const body = new URLSearchParams({ email, password: DEMO_PASSWORD }).toString();
  const res = await post('/login', body, { Origin: portal.url });
  return res.headers.getSetCookie().find((c) => c.startsWith('__session='))!.split(';')[0]!;
}

async function uploadDocx(cookie: string, title: string, bytes: Buffer): Promise<number> {
  const form = new FormData();
  for (const [k, v] of Object.entries({ title, kind: 'evaluation', visibility: 'public', summary: 'A document for the reader.', tags: '' })) form.append(k, v);
  form.append('file', new File([bytes as Uint8Array<ArrayBuffer>], `${title}.docx`, { type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' }));
  const res = await fetch(`${portal.url}/resources/new`, { method: 'POST', redirect: 'manual', headers: { Cookie: cookie, Origin: portal.url }, body: form });
  expect(res.status).toBe(302);
  return Number(/\/resources\/(\d+)$/.exec(res.headers.get('Location') ?? '')![1]);
}

function extraction(resourceId: number) {
  return database
    .prepare(
      `select f.extracted_text is not null as done, f.extraction_refused as refused from resource_versions v
       join stored_files f on f.sha256 = v.sha256 where v.resource_id = ?`,
    )
    .get(resourceId) as { done: number; refused: string | null };
}

describe('documents heavy to read', () => {
  it('keeps an archive bomb as a file without text and tells its owner why on the resource page', async () => {
    const cookie = await signedInCookie('member@demo.example');
    const bytes = await docx(Buffer.alloc(150 * 1024 * 1024, 'a'));
    const id = await uploadDocx(cookie, 'bomb', bytes);
    while (!extraction(id).done) expect((await fetch(`${portal.url}/healthz`)).status).toBe(200);
    expect(extraction(id).refused).toMatch(/unpacks to more than 100 MB/);
    const page = await (await fetch(`${portal.url}/resources/${id}`, { headers: { Cookie: cookie } })).text();
    expect(page).toContain('The text of this file was not read');
    expect(page).toContain('unpacks to more than 100 MB');
    const visitor = await (await fetch(`${portal.url}/resources/${id}`)).text();
    expect(visitor).toContain('The text of this file was not read');
    expect(visitor).not.toContain('unpacks to more than');
  });

  it('answers /healthz while a big document is being read', async () => {
    const cookie = await signedInCookie('member@demo.example');
    // About 2 MB of text in 20,000 paragraphs: inside the bounds, and seconds of work for the parser.
    const paragraph = Buffer.from('<w:p><w:r><w:t>Stackable micro-credentials for the engineering trades, level five.</w:t></w:r></w:p>');
    const id = await uploadDocx(cookie, 'big', await docx(Buffer.concat(Array.from({ length: 20_000 }, () => paragraph))));
    // The server reads it once the upload has been answered. Ask for /healthz until the reading is over: while the
    // reading runs in a worker, the server's own thread answers in between, so some answers arrive before it ends.
    let answeredWhileReading = 0;
    for (;;) {
      const health = await fetch(`${portal.url}/healthz`);
      expect(health.status).toBe(200);
      if (extraction(id).done) break;
      answeredWhileReading++;
    }
    expect(answeredWhileReading).toBeGreaterThan(0);
  });
});
