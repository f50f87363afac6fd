// The machine's floor for `npm run bench`: a bare node:http server answering every request with one fixed page
// (gzipped once at start, and sent gzipped when the client accepts it, as the portal's compression does).
//   npx tsx bench/reference-server.ts <page file> [port]
// Prints "listening <port>" when ready; stops on SIGTERM or SIGINT.
import fs from 'node:fs';
import http from 'node:http';
import zlib from 'node:zlib';

const [file, portArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: reference-server.ts <page file> [port]');
  process.exit(2);
}
const page = fs.readFileSync(file);
const gzipped = zlib.gzipSync(page);

const server = http.createServer((req, res) => {
  const gzip = /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
  const body = gzip ? gzipped : page;
  res.writeHead(200, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': body.length,
    ...(gzip ? { 'Content-Encoding': 'gzip', Vary: 'Accept-Encoding' } : {}),
  });
  res.end(body);
});
server.keepAliveTimeout = 60_000;
server.listen(Number(portArg ?? 0), '127.0.0.1', () => {
  const address = server.address();
  console.log(`listening ${typeof address === 'object' && address ? address.port : ''}`);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
