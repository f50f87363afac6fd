// Writes through the running portal as a coordinator would: organisations created by POST /admin/organisations,
// `lanes` requests at a time. A write counts as acknowledged when its 302 has arrived; reliability tests check that
// every acknowledged write survives a backup, a crash or a restore.
import type { Portal } from './server';

export async function signInAsCoordinator(portal: Pick<Portal, 'url'>): Promise<string> {
  const response = await fetch(`${portal.url}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { Origin: portal.url, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email: 'coordinator@demo.example', password: 'stack-the-credentials', redirectTo: '/' }),
  });
  if (response.status !== 302) throw new Error(`sign-in answered ${response.status}`);
  return response.headers.get('set-cookie')!.split(';')[0];
}

/** Creates organisations named `${prefix} <lane>-<n>` until `stop()`; a request that fails to connect ends its lane. */
export function webWriter(portal: Pick<Portal, 'url'>, cookie: string, { lanes = 3, prefix = 'Backup web' } = {}) {
  let stopped = false;
  const acknowledged: string[] = [];
  const failures: string[] = [];
  const lane = async (n: number) => {
    for (let i = 1; !stopped; i++) {
      const name = `${prefix} ${n}-${i}`;
      let response: Response;
      try {
        response = await fetch(`${portal.url}/admin/organisations`, {
          method: 'POST',
          redirect: 'manual',
          headers: { Origin: portal.url, Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ name, kind: 'itp', description: 'Created while a backup runs.', website: '' }),
        });
        await response.arrayBuffer();
      } catch (error) {
        failures.push(String((error as Error).cause ?? error));
        return;
      }
      if (response.status === 302) acknowledged.push(name);
      else failures.push(`${response.status}`);
    }
  };
  const done = Promise.all(Array.from({ length: lanes }, (_, n) => lane(n + 1)));
  return {
    made: () => acknowledged.length,
    /** The names acknowledged so far (a copy). */
    acknowledged: () => [...acknowledged],
    async stop() {
      stopped = true;
      await done;
      return { made: acknowledged.length, acknowledged: [...acknowledged], failures };
    },
  };
}
