// Reading the catalogues as flat key lists: for the CI check (scripts/i18n-check.ts) and its unit test.
type Catalogue = { [key: string]: string | Catalogue };

/** "nav.home", "common.seats_one", …: every leaf of a catalogue. */
export function flattenKeys(catalogue: Catalogue, prefix = ''): string[] {
  return Object.entries(catalogue).flatMap(([key, value]) =>
    typeof value === 'string' ? [`${prefix}${key}`] : flattenKeys(value, `${prefix}${key}.`),
  );
}

const PLURAL_SUFFIX = /_(zero|one|two|few|many|other)$/;

/** A key as code names it: plural forms ("seats_one", "seats_other") answer to "seats". */
export function baseKey(key: string): string {
  return key.replace(PLURAL_SUFFIX, '');
}

/** Keys named in source text: string literals that start with one of the catalogue's top-level sections. */
export function keysUsedIn(source: string, sections: string[]): string[] {
  const pattern = new RegExp(`['"\`]((?:${sections.join('|')})\\.[A-Za-z0-9_.]+)['"\`]`, 'g');
  return [...source.matchAll(pattern)].map((m) => m[1]!);
}
