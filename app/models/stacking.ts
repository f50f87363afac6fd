// The arithmetic of stacking micro-credentials into a qualification. Pure functions, no database: the pathway page
// and the case-study form both use them, and test/unit/stacking.test.ts pins them down.

export type StackingRow = { qualificationId: number; credits: number };

export type Coverage = {
  /** Every stacking credit added up, even past the qualification's total. */
  stacked: number;
  /** What counts toward the qualification: the stacked credits, capped at its total when the total is known. */
  covered: number;
  /** Credits still needed; null when the qualification's total is not recorded. */
  remaining: number | null;
  /** Stacked credits beyond the total (0 when within it, or when the total is unknown). */
  surplus: number;
  /** Whole percent of the total covered, 0-100; null when the total is unknown. */
  percent: number | null;
};

/**
 * How far a set of stacking credits goes toward a qualification. Credits beyond the total do not count (a
 * qualification cannot be more than complete), and a qualification with no recorded total has no gap to show.
 */
export function coverage(stackingCredits: readonly number[], totalCredits: number | null): Coverage {
  const stacked = stackingCredits.reduce((sum, c) => sum + (Number.isFinite(c) && c > 0 ? c : 0), 0);
  if (totalCredits === null || !Number.isFinite(totalCredits) || totalCredits <= 0) {
    return { stacked, covered: stacked, remaining: null, surplus: 0, percent: null };
  }
  const covered = Math.min(stacked, totalCredits);
  return {
    stacked,
    covered,
    remaining: totalCredits - covered,
    surplus: stacked - covered,
    // Floor, so 239 of 240 never reads as 100 %.
    percent: Math.floor((covered / totalCredits) * 100),
  };
}

export type ProviderGroup<T> = { providerId: number; providerName: string; items: T[]; credits: number };

/** Micro-credentials grouped by provider (providers by name, items in the order given), with each group's stacking credits. */
export function groupByProvider<T extends { providerId: number; providerName: string; stackingCredits: number }>(items: readonly T[]): ProviderGroup<T>[] {
  const groups = new Map<number, ProviderGroup<T>>();
  for (const item of items) {
    let group = groups.get(item.providerId);
    if (!group) {
      group = { providerId: item.providerId, providerName: item.providerName, items: [], credits: 0 };
      groups.set(item.providerId, group);
    }
    group.items.push(item);
    group.credits += item.stackingCredits;
  }
  return [...groups.values()].sort((a, b) => a.providerName.localeCompare(b.providerName, 'en-NZ'));
}

/**
 * What is wrong with a micro-credential's stacking rows, by row index: a qualification named twice, or more
 * credits counted toward a qualification than the micro-credential is worth (or than the qualification holds).
 */
export function stackingProblems(
  microCredentialCredits: number | null,
  rows: readonly StackingRow[],
  qualificationTotals: ReadonlyMap<number, number | null> = new Map(),
): { index: number; message: string }[] {
  const problems: { index: number; message: string }[] = [];
  const seen = new Set<number>();
  rows.forEach((row, index) => {
    if (seen.has(row.qualificationId)) {
      problems.push({ index, message: 'This qualification is already listed for this micro-credential.' });
      return;
    }
    seen.add(row.qualificationId);
    if (!Number.isInteger(row.credits) || row.credits < 1) {
      problems.push({ index, message: 'Enter the credits that count toward the qualification as a whole number of at least 1.' });
      return;
    }
    if (microCredentialCredits !== null && row.credits > microCredentialCredits) {
      problems.push({ index, message: `A micro-credential worth ${microCredentialCredits} credits cannot count ${row.credits} toward a qualification.` });
      return;
    }
    const total = qualificationTotals.get(row.qualificationId);
    if (total !== undefined && total !== null && row.credits > total) {
      problems.push({ index, message: `That qualification has ${total} credits in total, fewer than ${row.credits}.` });
    }
  });
  return problems;
}
