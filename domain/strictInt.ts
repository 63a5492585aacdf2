// Integers that arrive as text (query strings, path segments). z.coerce.number() reads
// whatever Number() reads — '0x10', '1e1', ' 5', '5.0', '' — so a typo becomes a value;
// here only plain decimal digits (an optional leading minus) are numbers. Anything else
// stays a string and fails as not an integer. The OpenAPI document shows an integer.
import { z } from 'zod';

const DECIMAL = /^-?[0-9]+$/;

/** An integer in [min, max] written in decimal digits; chain .default() / .optional(). */
export function strictInt(min: number, max: number) {
  return z.preprocess((v) => (typeof v === 'string' && DECIMAL.test(v) ? Number(v) : v), z.int({ error: 'an integer in decimal digits' }).min(min).max(max));
}

/** Largest PostgreSQL `integer` (`serial` ids); `bigserial` ids stop at Number.MAX_SAFE_INTEGER here. */
export const MAX_PG_INT = 2_147_483_647;
