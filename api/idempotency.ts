// The Idempotency-Key header: required on the POSTs that open something (cases,
// complaints) and on the moves of the roles that work from flaky mobile networks.
import type { Request } from 'express';
import type { Actor } from '../domain';
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

/** Agents and engineers retry over unreliable links: their moves must carry a key. */
const KEY_REQUIRED_FOR: readonly Actor['role'][] = ['agent', 'engineer'];

export const MoveIdempotencyHeaders = z.object({
  'idempotency-key': IdempotencyHeaders.shape['idempotency-key']
    .optional()
    .meta({ description: 'Unique per intended move (8-200 printable ASCII); a retry with it returns the first outcome. Required for agents and engineers' }),
});

/** The move's Idempotency-Key: required for agents and engineers, optional for the others. */
export function moveKeyOf(req: Request, actor: Actor): string | undefined {
  const raw = req.get('idempotency-key');
  if (raw === undefined && !KEY_REQUIRED_FOR.includes(actor.role)) return undefined;
  return idempotencyKeyOf(req);
}
