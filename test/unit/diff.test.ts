import { describe, expect, it } from 'vitest';
import { diffLines, diffText, diffTokens, diffWords, sideOf } from '~/utils/diff';

describe('diffWords', () => {
  it('marks a changed word as deleted then inserted, keeping the rest equal', () => {
    expect(diffWords('Initial trials attracted 150 enrolments', 'Initial trials attracted 180 enrolments')).toEqual([
      { type: 'equal', text: 'Initial trials attracted ' },
      { type: 'delete', text: '150' },
      { type: 'insert', text: '180' },
      { type: 'equal', text: ' enrolments' },
    ]);
  });

  it('reports identical texts as one equal run', () => {
    expect(diffWords('same words', 'same words')).toEqual([{ type: 'equal', text: 'same words' }]);
  });

  it('handles an empty side as a pure insertion or deletion', () => {
    expect(diffWords('', 'new text')).toEqual([{ type: 'insert', text: 'new text' }]);
    expect(diffWords('old text', '')).toEqual([{ type: 'delete', text: 'old text' }]);
  });

  it('rebuilds both inputs exactly from its output', () => {
    const a = 'Micro-credentials  recognise a defined set of skills\tand knowledge.';
    const b = 'Micro-credentials recognise the achievement of a defined set of skills and knowledge, validated.';
    const ops = diffWords(a, b);
    expect(sideOf(ops, 'before')).toBe(a);
    expect(sideOf(ops, 'after')).toBe(b);
  });
});

describe('diffLines', () => {
  it('finds inserted and removed lines around unchanged ones', () => {
    const before = 'Enrolments: 150\nEmployers: 80 %\nSchools: 180';
    const after = 'Enrolments: 150\nSchools: 180\nStudents: 3700';
    expect(diffLines(before, after)).toEqual([
      { type: 'equal', text: 'Enrolments: 150' },
      { type: 'delete', text: 'Employers: 80 %' },
      { type: 'equal', text: 'Schools: 180' },
      { type: 'insert', text: 'Students: 3700' },
    ]);
  });

  it('treats Windows line endings as the same lines', () => {
    expect(diffLines('a\r\nb', 'a\nb')).toEqual([{ type: 'equal', text: 'a\nb' }]);
  });

  it('rebuilds both inputs from its output', () => {
    const a = ['one', 'two', 'three', 'four', 'five'].join('\n');
    const b = ['zero', 'one', 'three', 'four!', 'five', 'six'].join('\n');
    const ops = diffLines(a, b);
    expect(sideOf(ops, 'before', '\n')).toBe(a);
    expect(sideOf(ops, 'after', '\n')).toBe(b);
  });
});

describe('diffTokens', () => {
  it('finds a longest common subsequence, not just a common prefix and suffix', () => {
    const ops = diffTokens(['a', 'b', 'c', 'd', 'e'], ['x', 'b', 'y', 'd', 'z']);
    expect(ops.filter((o) => o.type === 'equal').flatMap((o) => o.tokens)).toEqual(['b', 'd']);
  });

  it('falls back to a whole replacement for enormous inputs instead of building a huge table', () => {
    const a = Array.from({ length: 3000 }, (_, i) => `a${i}`);
    const b = Array.from({ length: 3000 }, (_, i) => `b${i}`);
    const ops = diffTokens(['same', ...a], ['same', ...b]);
    expect(ops.map((o) => o.type)).toEqual(['equal', 'delete', 'insert']);
  });
});

describe('diffText', () => {
  it('diffs multi-line text by lines and one-line text by words', () => {
    expect(diffText('a\nb', 'a\nc').map((o) => o.text)).toEqual(['a', 'b', 'c']);
    expect(diffText('a b', 'a c').map((o) => o.text)).toEqual(['a ', 'b', 'c']);
  });
});
