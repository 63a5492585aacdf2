// The Idempotency-Key header of the POSTs that open something (cases, complaints).
import type { Request } from 'express';
import { z } from 'zod';
import { HttpError } from './errors';

export const IdempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .regex(/^[\x21-\x7e]{8,200}$/)
    .meta({ description: 'Unique per intended case or complaint (8-200 printable ASCII); retries reuse it' }),
});

export function idempotencyKeyOf(req: Request): string {
  const headers = IdempotencyHeaders.safeParse({ 'idempotency-key': req.get('idempotency-key') });
  if (!headers.success) {
    throw new HttpError(400, 'validation_failed', 'Idempotency-Key header is required', {
      fields: [{ path: 'headers.Idempotency-Key', message: 'required: 8-200 printable ASCII characters' }],
    });
  }
  return headers.data['idempotency-key'];
}
