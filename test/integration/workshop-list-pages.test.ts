// /workshops lists one page of upcoming and one page of past workshops, each with its own page number.
import { beforeAll, describe, expect, it } from 'vitest';
import { sqlite } from '../../db/client.server';
import { WORKSHOPS_PAGE_SIZE } from '~/models/workshops.server';
import * as list from '~/routes/workshops._index';

const DAY = 86_400_000;
const UPCOMING = WORKSHOPS_PAGE_SIZE + 3;
const PAST = WORKSHOPS_PAGE_SIZE * 2 + 1;

async function load(query = '') {
  return (await list.loader({ request: new Request(`http://localhost:3000/workshops${query}`), params: {}, context: { clientIp: '127.0.0.1', cspNonce: '' } } as any)) as Awaited<
    ReturnType<typeof list.loader>
  >;
}

beforeAll(() => {
  const now = Date.now();
  const insert = sqlite.prepare(
    `insert into workshops (slug, title, starts_at, ends_at, mode, capacity, status) values (?, ?, ?, ?, 'online', 20, ?)`,
  );
  for (let i = 1; i <= UPCOMING; i++) insert.run(`upcoming-${i}`, `Upcoming ${i}`, now + i * DAY, now + i * DAY + 3_600_000, 'scheduled');
  for (let i = 1; i <= PAST; i++) insert.run(`past-${i}`, `Past ${i}`, now - i * DAY, now - i * DAY + 3_600_000, 'completed');
});

describe('the workshops list', () => {
  it('shows the first page of each list, soonest upcoming and most recent past first', async () => {
    const data = await load();
    expect(data.upcoming).toHaveLength(WORKSHOPS_PAGE_SIZE);
    expect(data.upcoming[0]!.slug).toBe('upcoming-1');
    expect(data.past).toHaveLength(WORKSHOPS_PAGE_SIZE);
    expect(data.past[0]!.slug).toBe('past-1');
    expect(data.pages).toEqual({ upcoming: 1, moreUpcoming: true, past: 1, morePast: true });
  });

  it('pages each list on its own, and the last page says there is no more', async () => {
    const data = await load('?upcoming=2&past=3');
    expect(data.upcoming.map((w) => w.slug)).toEqual(Array.from({ length: UPCOMING - WORKSHOPS_PAGE_SIZE }, (_, i) => `upcoming-${WORKSHOPS_PAGE_SIZE + i + 1}`));
    expect(data.past.map((w) => w.slug)).toEqual([`past-${PAST}`]);
    expect(data.pages).toEqual({ upcoming: 2, moreUpcoming: false, past: 3, morePast: false });
  });

  it('treats a nonsense page number as the first page', async () => {
    const data = await load('?past=abc');
    expect(data.pages.past).toBe(1);
    expect(data.past[0]!.slug).toBe('past-1');
  });
});
