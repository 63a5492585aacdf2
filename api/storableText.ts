// PostgreSQL text cannot hold U+0000, and a lone UTF-16 surrogate is not a character at
// all (it would reach the database and Temporal payloads as U+FFFD or fail outright).
// Such input once wedged a case: its first timeline write failed on every retry. So
// every string (and object key) of a request is checked at the edge, before any route
// reserves, writes or starts anything.
import type { FieldError } from './errors';

// A NUL, or a surrogate half without its partner.
// eslint-disable-next-line no-control-regex -- NUL is what PostgreSQL cannot store
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function problem(s: string): string | undefined {
  if (!UNSTORABLE.test(s)) return undefined;
  return s.includes('\u0000') ? 'contains a NUL character, which cannot be stored' : 'contains a lone UTF-16 surrogate, which cannot be stored';
}

/** Field errors for every unstorable string or key under `value`, paths prefixed with `where`. */
export function unstorableText(value: unknown, where: string, max = 20): FieldError[] {
  const found: FieldError[] = [];
  const walk = (v: unknown, path: string, depth: number): void => {
    if (found.length >= max || depth > 64) return;
    if (typeof v === 'string') {
      const p = problem(v);
      if (p) found.push({ path, message: p });
    } else if (Array.isArray(v)) {
      v.forEach((item, i) => walk(item, `${path}.${i}`, depth + 1));
    } else if (v && typeof v === 'object') {
      for (const [k, item] of Object.entries(v)) {
        const keyProblem = problem(k);
        if (keyProblem) found.push({ path: `${path}.${k.replace(UNSTORABLE, '?')}`, message: `key ${keyProblem}` });
        else walk(item, `${path}.${k}`, depth + 1);
      }
    }
  };
  walk(value, where, 0);
  return found;
}
