import { sqlite } from '../../db/client.server';

/** Counts and highlights for the home page; later features add their own sections. */
export function getHomeSummary() {
  const row = sqlite
    .prepare(
      `select (select count(*) from organisations) as organisations,
              (select count(*) from users where deactivated_at is null) as members`,
    )
    .get() as { organisations: number; members: number };
  return row;
}
