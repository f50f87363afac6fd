// Queries built once. Building the SQL text of a drizzle query costs more than running it on the hot pages (0.3–0.6 ms
// a query against 0.05–0.3 ms in SQLite on the benchmark), so a query that runs on every page view is built and
// prepared once, on first use, with `sql.placeholder(...)` for what varies, and run with `.get/.all/.run({ ... })`.

/** The value `build` returns, built on the first call and kept for the life of the process. */
export function once<T>(build: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= build());
}

/**
 * As `once`, one value per key, for a query whose SQL text has a few variants (a visitor's or a member's list): the
 * caller names the variant and gives how to build it, which runs the first time that key is asked for.
 */
export function oncePerKey<K, T>(): (key: K, build: () => T) => T {
  const values = new Map<K, T>();
  return (key, build) => {
    let value = values.get(key);
    if (value === undefined) values.set(key, (value = build()));
    return value;
  };
}

/**
 * As `once` for a query that may run through another reader (a transaction): prepared once on `main`, built afresh
 * for any other reader, so a transaction's reads still go through the transaction they were given.
 */
export function oncePerReader<R, T>(main: R, build: (reader: R) => T): (reader: R) => T {
  let value: T | undefined;
  return (reader) => (reader === main ? (value ??= build(main)) : build(reader));
}
