// After `remix vite:build`: a Brotli (quality 11) and a gzip (level 9) copy beside every text asset of the client build
// over 1 KB (build/client/**/*.{js,css,svg,...}), which server.ts serves precompressed (express-static-gzip) instead
// of compressing the same file again on every request. Part of `npm run build`.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const root = path.resolve(process.argv[2] ?? 'build/client');
const TEXT = /\.(js|mjs|css|svg|json|txt|map|webmanifest)$/;

let files = 0;
let before = 0;
let afterBrotli = 0;
for (const entry of fs.readdirSync(root, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !TEXT.test(entry.name)) continue;
  const file = path.join(entry.parentPath, entry.name);
  const bytes = fs.readFileSync(file);
  if (bytes.length < 1024) continue;
  const brotli = zlib.brotliCompressSync(bytes, {
    params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
  });
  fs.writeFileSync(`${file}.br`, brotli);
  fs.writeFileSync(`${file}.gz`, zlib.gzipSync(bytes, { level: 9 }));
  files++;
  before += bytes.length;
  afterBrotli += brotli.length;
}
console.log(`Precompressed ${files} files in ${path.relative(process.cwd(), root) || '.'}: ${Math.round(before / 1024)} KB → ${Math.round(afterBrotli / 1024)} KB Brotli.`);
