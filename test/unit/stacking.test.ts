import { describe, expect, it } from 'vitest';
import { coverage, groupByProvider, stackingProblems } from '~/models/stacking';

describe('coverage', () => {
  it('adds up stacking credits and shows the gap to the qualification total', () => {
    expect(coverage([15, 30, 45], 240)).toEqual({ stacked: 90, covered: 90, remaining: 150, surplus: 0, percent: 37 });
  });

  it('caps what counts at the qualification total and reports the surplus', () => {
    expect(coverage([200, 60], 240)).toEqual({ stacked: 260, covered: 240, remaining: 0, surplus: 20, percent: 100 });
  });

  it('has no gap or percent when the qualification total is unknown', () => {
    expect(coverage([24], null)).toEqual({ stacked: 24, covered: 24, remaining: null, surplus: 0, percent: null });
  });

  it('covers nothing when nothing stacks', () => {
    expect(coverage([], 360)).toEqual({ stacked: 0, covered: 0, remaining: 360, surplus: 0, percent: 0 });
  });

  it('never rounds an incomplete qualification up to 100 percent', () => {
    expect(coverage([239], 240).percent).toBe(99);
  });

  it('ignores nonsense credit values rather than subtracting them', () => {
    expect(coverage([-10, Number.NaN, 10], 240).stacked).toBe(10);
  });
});

describe('groupByProvider', () => {
  it('groups micro-credentials by provider, sorted by name, with each group’s credits', () => {
    const groups = groupByProvider([
      { id: 1, providerId: 2, providerName: 'Otago Polytechnic', stackingCredits: 15 },
      { id: 2, providerId: 1, providerName: 'MITO', stackingCredits: 10 },
      { id: 3, providerId: 2, providerName: 'Otago Polytechnic', stackingCredits: 5 },
    ]);
    expect(groups.map((g) => [g.providerName, g.items.map((i) => i.id), g.credits])).toEqual([
      ['MITO', [2], 10],
      ['Otago Polytechnic', [1, 3], 20],
    ]);
  });
});

describe('stackingProblems', () => {
  it('accepts credits within the micro-credential and the qualification', () => {
    expect(stackingProblems(30, [{ qualificationId: 1, credits: 30 }, { qualificationId: 2, credits: 15 }], new Map([[1, 240]]))).toEqual([]);
  });

  it('refuses counting more credits toward a qualification than the micro-credential is worth', () => {
    expect(stackingProblems(10, [{ qualificationId: 1, credits: 15 }])).toEqual([
      { index: 0, message: 'A micro-credential worth 10 credits cannot count 15 toward a qualification.' },
    ]);
  });

  it('refuses the same qualification twice', () => {
    expect(stackingProblems(null, [{ qualificationId: 1, credits: 5 }, { qualificationId: 1, credits: 5 }]).map((p) => p.index)).toEqual([1]);
  });

  it('refuses more credits than the qualification holds', () => {
    expect(stackingProblems(null, [{ qualificationId: 3, credits: 100 }], new Map([[3, 80]]))[0]?.message).toMatch(/80 credits in total/);
  });

  it('refuses zero or fractional credits', () => {
    expect(stackingProblems(null, [{ qualificationId: 1, credits: 0 }, { qualificationId: 2, credits: 2.5 }]).map((p) => p.index)).toEqual([0, 1]);
  });
});
