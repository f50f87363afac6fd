// The words that say what something is about, for the duplication radar (app/models/search.server.ts): English glue
// and words every pilot in this community shares ("micro-credential", "pilot", "programme") are left out, case and
// diacritics are folded ("Māori" → "maori") and so are plurals ("modules" → "module", "technologies" →
// "technology", "approaches" → "approach").

const STOP_WORDS = new Set(
  (
    'the and for with that this from into onto over under about above after again against all also among any are ' +
    'because been before being between both but can could did does doing done each few first further had has have ' +
    'having her here hers him his how its itself just more most much must near not now off once only other our ours ' +
    'out own same she should since some such than their theirs them then there these they those through too under ' +
    'until upon very was way were what when where which while who whom why will would you your yours per via who ' +
    'micro credential credentials microcredential microcredentials pilot pilots programme programmes program ' +
    'project projects new zealand use used using help helps make made work works based offer offered offers far'
  ).split(' '),
);

/** Significant words of a text, lower-case, with plurals folded ("modules" → "module"). */
export function significantWords(text: string): string[] {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length >= 3 && !STOP_WORDS.has(w) && !/^\d+$/.test(w))
    .map((w) =>
      w.length > 4 && w.endsWith('ies')
        ? `${w.slice(0, -3)}y`
        : w.length > 5 && /(ch|sh|x|ss)es$/.test(w)
          ? w.slice(0, -2)
          : w.length > 3 && w.endsWith('s') && !w.endsWith('ss')
            ? w.slice(0, -1)
            : w,
    )
    .filter((w) => !STOP_WORDS.has(w));
}
