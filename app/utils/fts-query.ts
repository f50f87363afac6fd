// What a person typed → an FTS5 query that can never be a syntax error, for every full-text search in the portal
// (the resource library's and the community-wide one).
//
// Every word becomes a double-quoted string (inner double quotes doubled), "a phrase in quotes" stays a phrase, and
// a word ending in * is a prefix search. FTS syntax typed by people (NEAR, AND/OR/NOT, -, :, ^, parentheses) is just
// more words. A prefix needs at least two letters: a one-letter prefix would match most of the vocabulary, so "a*"
// searches for the word "a". Returns null when nothing searchable is left, and the caller answers "no results".

export type FtsQueryOptions = {
  /** Characters of input read; the rest is ignored. */
  maxLength?: number;
  /** Words and phrases kept; the rest are ignored. */
  maxTerms?: number;
  /** Search-as-you-type: the last word is a prefix unless the input ends with a space or a closing quote. */
  prefixLast?: boolean;
};

const WORD_CHAR = /[\p{L}\p{N}]/u;
const hasWord = (s: string) => WORD_CHAR.test(s);
const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;

/** Whether a word may be searched as a prefix: its last run of letters and digits has at least two characters. */
function prefixable(word: string): boolean {
  const runs = word.match(/[\p{L}\p{N}\p{M}]+/gu);
  const last = runs?.[runs.length - 1] ?? '';
  return [...last.normalize('NFKD').replace(/\p{M}/gu, '')].length >= 2;
}

export function toFtsQuery(input: string, options: FtsQueryOptions = {}): string | null {
  const terms = ftsTerms(input, options);
  return terms ? terms.join(' ') : null;
}

/** The quoted terms of toFtsQuery, one string each ("word", "a phrase", "prefix"*), or null when there are none. */
export function ftsTerms(input: string, { maxLength = 300, maxTerms = 20, prefixLast = false }: FtsQueryOptions = {}): string[] | null {
  const text = input.normalize('NFC').slice(0, maxLength);
  const parts: { text: string; word: boolean; prefix: boolean }[] = [];
  const re = /"([^"]*)"?|([^\s"]+)/g;
  for (const match of text.matchAll(re)) {
    if (parts.length >= maxTerms) break;
    const phrase = match[1];
    const word = match[2];
    if (phrase !== undefined) {
      const cleaned = phrase.trim();
      if (hasWord(cleaned)) parts.push({ text: quote(cleaned), word: false, prefix: false });
    } else if (word !== undefined) {
      const bare = word.replace(/\*+$/, '');
      const prefix = bare !== word && WORD_CHAR.test(bare.slice(-1)) && prefixable(bare);
      if (hasWord(bare)) parts.push({ text: quote(bare), word: !prefix, prefix });
    }
  }
  if (!parts.length) return null;
  const last = parts[parts.length - 1]!;
  if (prefixLast && last.word && !/[\s"]$/.test(text) && prefixable(last.text)) last.prefix = true;
  return parts.map((p) => p.text + (p.prefix ? '*' : ''));
}
