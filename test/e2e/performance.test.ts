// What issue 21 changed in how the production server answers (docs/decisions/014-performance.md): hashed assets
// cached for a year and sent precompressed, documents answered whole with their length and compressed unless
// COMPRESSION=off says a proxy does it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPortal, type Portal } from '../support/server';

let portal: Portal;
let uncompressed: Portal;

beforeAll(async () => {
  [portal, uncompressed] = await Promise.all([startPortal(), startPortal({ env: { COMPRESSION: 'off' } })]);
});

afterAll(async () => {
  await Promise.all([portal?.stop(), uncompressed?.stop()]);
});

/** The first script the home page preloads: a hashed file under /assets. */
async function someAsset(base: string): Promise<string> {
  const html = await (await fetch(`${base}/login`)).text();
  const href = /<link[^>]+rel="modulepreload"[^>]+href="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
  expect(href).toBeDefined();
  return href!;
}

describe('hashed assets', () => {
  it('are cached for a year without revalidation and sent as the Brotli or gzip file made at build', async () => {
    const asset = await someAsset(portal.url);
    const plain = await fetch(`${portal.url}${asset}`, { headers: { 'Accept-Encoding': 'identity' } });
    expect(plain.status).toBe(200);
    expect(plain.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(plain.headers.get('content-encoding')).toBeNull();
    const source = await plain.text();

    for (const encoding of ['br', 'gzip']) {
      const response = await fetch(`${portal.url}${asset}`, { headers: { 'Accept-Encoding': encoding } });
      expect(response.headers.get('content-encoding')).toBe(encoding);
      expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(response.headers.get('content-type')).toMatch(/javascript/);
      expect(response.headers.get('vary')).toMatch(/Accept-Encoding/i);
      // A file read from disk has its length; compressing on the fly would have sent it chunked.
      expect(Number(response.headers.get('content-length'))).toBeGreaterThan(0);
      expect(await response.text()).toBe(source); // fetch decodes it
    }
  });
});

describe('documents', () => {
  it('are compressed for a browser that accepts it, and sent whole with their length otherwise', async () => {
    const compressed = await fetch(`${portal.url}/login`, { headers: { 'Accept-Encoding': 'gzip' } });
    expect(compressed.headers.get('content-encoding')).toBe('gzip');
    const html = await compressed.text();
    expect(html).toContain('</html>');

    const plain = await fetch(`${portal.url}/login`, { headers: { 'Accept-Encoding': 'identity' } });
    expect(plain.headers.get('content-encoding')).toBeNull();
    const body = Buffer.from(await plain.arrayBuffer());
    expect(Number(plain.headers.get('content-length'))).toBe(body.length);
    expect(body.toString()).toContain('</html>');
  });

  it('are left uncompressed with COMPRESSION=off, for a reverse proxy to compress', async () => {
    const response = await fetch(`${uncompressed.url}/login`, { headers: { 'Accept-Encoding': 'gzip, br' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-encoding')).toBeNull();
    const body = Buffer.from(await response.arrayBuffer());
    expect(Number(response.headers.get('content-length'))).toBe(body.length);
  });
});
