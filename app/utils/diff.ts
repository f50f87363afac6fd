// Differences between two texts, for the case-study history: a longest-common-subsequence diff over lines (for
// paragraphs and lists) or over words (for one-line values). Pure and dependency-free, so it runs anywhere.

export type DiffOp = { type: 'equal' | 'insert' | 'delete'; text: string };

/** Above this many LCS cells (rows × columns) we stop looking for common runs and show a plain replacement. */
const MAX_CELLS = 4_000_000;

/**
 * The edit script turning `a` into `b`, as runs of equal, deleted and inserted tokens, in order. Adjacent runs of
 * the same type are merged; a change reads as its deletion followed by its insertion.
 */
export function diffTokens(a: readonly string[], b: readonly string[]): { type: DiffOp['type']; tokens: string[] }[] {
  // Common prefix and suffix cost nothing to find and shrink the table for the usual small edit.
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  const runs: { type: DiffOp['type']; tokens: string[] }[] = [];
  const push = (type: DiffOp['type'], token: string) => {
    const last = runs[runs.length - 1];
    if (last && last.type === type) last.tokens.push(token);
    else runs.push({ type, tokens: [token] });
  };
  for (const t of a.slice(0, start)) push('equal', t);

  if (midA.length * midB.length > MAX_CELLS) {
    for (const t of midA) push('delete', t);
    for (const t of midB) push('insert', t);
  } else {
    // lcs[i][j] = length of the LCS of midA[i..] and midB[j..]; walked forwards to emit the script.
    const n = midA.length;
    const m = midB.length;
    const width = m + 1;
    const lcs = new Uint32Array((n + 1) * width);
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lcs[i * width + j] = midA[i] === midB[j] ? lcs[(i + 1) * width + j + 1] + 1 : Math.max(lcs[(i + 1) * width + j], lcs[i * width + j + 1]);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n && j < m) {
      if (midA[i] === midB[j]) {
        push('equal', midA[i]);
        i++;
        j++;
      } else if (lcs[(i + 1) * width + j] >= lcs[i * width + j + 1]) {
        push('delete', midA[i]);
        i++;
      } else {
        push('insert', midB[j]);
        j++;
      }
    }
    while (i < n) push('delete', midA[i++]);
    while (j < m) push('insert', midB[j++]);
  }

  for (const t of a.slice(endA)) push('equal', t);
  return reorderChanges(runs);
}

/** Within each stretch of changes, deletions come before insertions (a reader sees "was … now …"). */
function reorderChanges(runs: { type: DiffOp['type']; tokens: string[] }[]) {
  const out: typeof runs = [];
  let pendingDelete: string[] = [];
  let pendingInsert: string[] = [];
  const flush = () => {
    if (pendingDelete.length) out.push({ type: 'delete', tokens: pendingDelete });
    if (pendingInsert.length) out.push({ type: 'insert', tokens: pendingInsert });
    pendingDelete = [];
    pendingInsert = [];
  };
  for (const run of runs) {
    if (run.type === 'delete') pendingDelete = pendingDelete.concat(run.tokens);
    else if (run.type === 'insert') pendingInsert = pendingInsert.concat(run.tokens);
    else {
      flush();
      out.push(run);
    }
  }
  flush();
  return out;
}

/** Line diff: each op's text is whole lines joined with "\n" (no trailing newline). */
export function diffLines(a: string, b: string): DiffOp[] {
  const split = (s: string) => (s === '' ? [] : s.replace(/\r\n?/g, '\n').split('\n'));
  return diffTokens(split(a), split(b)).map((run) => ({ type: run.type, text: run.tokens.join('\n') }));
}

/** Word diff: whitespace is kept as its own token, so joining every op's text gives back the input exactly. */
export function diffWords(a: string, b: string): DiffOp[] {
  const split = (s: string) => s.split(/(\s+)/).filter((t) => t !== '');
  return diffTokens(split(a), split(b)).map((run) => ({ type: run.type, text: run.tokens.join('') }));
}

/** Lines for text that has more than one line on either side, words otherwise. */
export function diffText(a: string, b: string): DiffOp[] {
  return a.includes('\n') || b.includes('\n') ? diffLines(a, b) : diffWords(a, b);
}

/** The text of one side of a diff: `before` keeps equal and deleted runs, `after` equal and inserted ones. */
export function sideOf(ops: readonly DiffOp[], side: 'before' | 'after', separator = ''): string {
  const keep = side === 'before' ? 'delete' : 'insert';
  return ops
    .filter((op) => op.type === 'equal' || op.type === keep)
    .map((op) => op.text)
    .join(separator);
}
