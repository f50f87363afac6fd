// scripts/check-node.mjs runs before `npm start`, `npm run serve` and `npm run dev`: an old Node stops at once with
// a message naming the version needed. The Node version is faked with a preloaded module.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';

function checkAs(version: string) {
  const preload = `data:text/javascript,Object.defineProperty(process.versions,"node",{value:"${version}"})`;
  return spawnSync(process.execPath, ['--import', preload, 'scripts/check-node.mjs'], { encoding: 'utf8' });
}

describe('the Node version check before start', () => {
  it('stops Node 20 and 22.11 with a message naming 22.12 and Node 24 LTS', () => {
    for (const version of ['20.19.5', '22.11.0']) {
      const result = checkAs(version);
      expect(result.status, version).toBe(1);
      expect(result.stderr).toContain('needs Node 22.12 or newer');
      expect(result.stderr).toContain('Node 24 LTS');
      expect(result.stderr).toContain(`this is Node ${version}`);
    }
  });

  it('lets Node 22.12 and 24 through silently', () => {
    for (const version of ['22.12.0', '24.22.3']) {
      const result = checkAs(version);
      expect(result.status, version).toBe(0);
      expect(result.stderr).toBe('');
    }
  });

  it('runs before every script that starts the server', () => {
    const scripts = JSON.parse(fs.readFileSync('package.json', 'utf8')).scripts as Record<string, string>;
    for (const name of ['start', 'serve', 'dev']) expect(scripts[name], name).toMatch(/^node scripts\/check-node\.mjs && /);
  });
});
