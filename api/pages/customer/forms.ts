// What each form posts, as the JSON routes' bodies: HTML forms send strings, so they are
// turned into the same typed bodies (and checked by the same schemas) before an Update.
import { z } from 'zod';
import { COMPLAINT_CATEGORIES } from '../../../domain/complaints';
import { ConfirmBodySchema, QuoteDecisionBodySchema } from '../../../domain/schemas';
import { DecisionBodySchema } from '../../../domain/complaintSchemas';

const bool = z.enum(['true', 'false']).transform((v) => v === 'true');
const optionalText = z
  .string()
  .trim()
  .max(2000)
  .optional()
  .transform((v) => (v ? v : undefined));

/** Every form: its CSRF token, a fresh key per rendered form (idempotency), the page language. */
export const FormEnvelope = z.object({
  csrf: z.string().max(100),
  key: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/),
  lang: z.enum(['zh-CN', 'en']).optional(),
});

export const QuoteForm = z
  .object({ approve: bool, comment: optionalText })
  .transform(({ approve, comment }) => QuoteDecisionBodySchema.parse({ approve, ...(comment ? { comment } : {}) }));

export const ConfirmForm = z
  .object({ fixed: bool, rating: z.coerce.number().int().min(1).max(5), comment: optionalText })
  .transform(({ fixed, rating, comment }) => ConfirmBodySchema.parse({ fixed, rating, ...(comment ? { comment } : {}) }));

export const ComplaintForm = z.object({ category: z.enum(COMPLAINT_CATEGORIES), summary: z.string().trim().min(1).max(2000) });

export const DecisionForm = z
  .object({ accepted: bool, comment: optionalText })
  .transform(({ accepted, comment }) => DecisionBodySchema.parse({ accepted, ...(comment ? { comment } : {}) }));
