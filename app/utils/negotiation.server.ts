// Content negotiation for addresses that answer both HTML and linked data (the micro-credential register's entries).

/**
 * Whether a request prefers JSON-LD (or JSON) to HTML. `accepts` is the server's Accept-header matcher (Express's
 * req.accepts, which ranks by q-values): given the types offered, it returns the best one or false.
 */
export function prefersLinkedData(accepts: (types: string[]) => string | false): boolean {
  const best = accepts(['text/html', 'application/ld+json', 'application/json']);
  return best === 'application/ld+json' || best === 'application/json';
}
