// What people type → safe FTS5 queries (shared by the library and the community-wide search), and the words the
// duplication radar compares.
import { describe, expect, it } from 'vitest';
import { ftsTerms, toFtsQuery } from '~/utils/fts-query';
import { significantWords } from '~/utils/significant-words';

describe('toFtsQuery', () => {
  it('quotes every word, keeps phrases, and turns FTS syntax into plain words', () => {
    expect(toFtsQuery('stacking NZDE')).toBe('"stacking" "NZDE"');
    expect(toFtsQuery('"engineering education" pilots')).toBe('"engineering education" "pilots"');
    expect(toFtsQuery('a NEAR b OR c AND NOT d')).toBe('"a" "NEAR" "b" "OR" "c" "AND" "NOT" "d"');
    expect(toFtsQuery('title:x -y ^z (w) {v}')).toBe('"title:x" "-y" "^z" "(w)" "{v}"');
    expect(toFtsQuery('say "it')).toBe('"say" "it"');
    expect(toFtsQuery('a""b')).toBe('"a" "b"');
  });

  it('returns null when nothing searchable is left', () => {
    for (const input of ['', '   ', '"', '""', '***', '- : ( ) ^', '" "']) expect(toFtsQuery(input), JSON.stringify(input)).toBeNull();
  });

  it('honours a typed * on two letters or more, never on one', () => {
    expect(toFtsQuery('stack*')).toBe('"stack"*');
    expect(toFtsQuery('st*')).toBe('"st"*');
    expect(toFtsQuery('s*')).toBe('"s"');
    expect(toFtsQuery('micro-c*')).toBe('"micro-c"');
    expect(toFtsQuery('Ā*')).toBe('"Ā"');
  });

  it('makes the last word a prefix while typing, unless the input ends with a space or a closing quote', () => {
    const typing = { prefixLast: true };
    expect(toFtsQuery('micro stack', typing)).toBe('"micro" "stack"*');
    expect(toFtsQuery('micro stack ', typing)).toBe('"micro" "stack"');
    expect(toFtsQuery('"micro stack"', typing)).toBe('"micro stack"');
    expect(toFtsQuery('micro s', typing)).toBe('"micro" "s"');
  });

  it('reads at most the given length and number of terms', () => {
    expect(ftsTerms('x'.repeat(1000), { maxLength: 200 })).toEqual([`"${'x'.repeat(200)}"`]);
    expect(ftsTerms('a b c d e f', { maxTerms: 3 })).toEqual(['"a"', '"b"', '"c"']);
  });
});

describe('significantWords', () => {
  it('drops glue and the words every pilot shares, folds case, diacritics and plurals', () => {
    expect(significantWords('The Māori micro-credential pilots for Technologies and approaches')).toEqual(['maori', 'technology', 'approach']);
    expect(significantWords('Modules, classes and 2019')).toEqual(['module', 'class']);
  });
});
