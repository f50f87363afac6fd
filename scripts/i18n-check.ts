// CI check for the interface's languages (npm run lint:i18n):
// 1. no user-visible text written straight into JSX outside the files still listed in app/locales/pending.json,
//    and no file on that list that has no such text left (so the list only shrinks);
// 2. every key the code names exists in the English catalogue (en-NZ is complete);
// 3. every key of another catalogue exists in English; the keys it lacks fall back to English and are listed.
import fs from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';
import { baseKey, flattenKeys, keysUsedIn } from '../app/i18n/catalogue-keys';
import { DEFAULT_LANGUAGE, LANGUAGES } from '../app/i18n/languages';

const root = path.resolve(import.meta.dirname, '..');
const read = (file: string) => JSON.parse(fs.readFileSync(path.join(root, file), 'utf8'));
const problems: string[] = [];

const english = read(`app/locales/${DEFAULT_LANGUAGE}.json`);
const englishKeys = new Set(flattenKeys(english).map(baseKey));
const sections = Object.keys(english);

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(rel);
    return /\.(ts|tsx)$/.test(entry.name) && !/\.test\./.test(entry.name) ? [rel] : [];
  });
}

for (const file of [...sourceFiles('app'), ...sourceFiles('emails')]) {
  for (const key of keysUsedIn(fs.readFileSync(path.join(root, file), 'utf8'), sections)) {
    if (!englishKeys.has(baseKey(key))) problems.push(`${file}: key "${key}" is not in app/locales/${DEFAULT_LANGUAGE}.json`);
  }
}

for (const { code } of LANGUAGES.filter((l) => l.code !== DEFAULT_LANGUAGE)) {
  const keys = new Set(flattenKeys(read(`app/locales/${code}.json`)).map(baseKey));
  for (const key of keys) if (!englishKeys.has(key)) problems.push(`app/locales/${code}.json: "${key}" is not an English key`);
  const missing = [...englishKeys].filter((key) => !keys.has(key));
  console.log(`${code}: ${keys.size} of ${englishKeys.size} keys translated; these fall back to English:`);
  console.log(missing.map((key) => `  ${key}`).join('\n') || '  (none)');
}

const pending: string[] = read('app/locales/pending.json').files;
const eslint = new ESLint({ cwd: root });
for (const result of await eslint.lintFiles(['app/**/*.tsx'])) {
  for (const message of result.messages) {
    problems.push(`${path.relative(root, result.filePath)}:${message.line}:${message.column} ${message.message}`);
  }
}
// The pending files, checked under a name the exemption does not cover: each must still have text to move.
for (const file of pending) {
  if (!fs.existsSync(path.join(root, file))) {
    problems.push(`app/locales/pending.json: ${file} does not exist`);
    continue;
  }
  const [result] = await eslint.lintText(fs.readFileSync(path.join(root, file), 'utf8'), { filePath: path.join(root, 'app/__pending_check.tsx') });
  if (result && result.errorCount === 0) problems.push(`app/locales/pending.json: ${file} has no literal text left: take it off the list`);
}
console.log(`${pending.length} files still to move into the catalogues (app/locales/pending.json).`);

if (problems.length) {
  console.error(`\n${problems.length} problem(s):\n${problems.join('\n')}`);
  process.exit(1);
}
console.log('i18n check: ok');
