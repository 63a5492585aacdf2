// What each form posts, as the JSON routes' bodies: HTML forms send strings, so they are
// turned into the same typed bodies (and checked by the same schemas) before an Update.
import { z } from 'zod';
import { COMPLAINT_CATEGORIES } from '../../../domain/complaints';
import { QuoteDecisionBodySchema } from '../../../domain/schemas';
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

/** "Fixed" posts a rating; "not fixed" posts none, and its reason as the comment. The route then checks ConfirmBodySchema (a missing rating or reason: 400 naming it). */
export const ConfirmForm = z
  .object({ fixed: bool, rating: z.coerce.number().int().min(1).max(5).optional(), comment: optionalText })
  .transform(({ fixed, rating, comment }) => ({ fixed, ...(rating !== undefined ? { rating } : {}), ...(comment ? { comment } : {}) }));

export const ComplaintForm = z.object({ category: z.enum(COMPLAINT_CATEGORIES), summary: z.string().trim().min(1).max(2000) });

export const DecisionForm = z
  .object({ accepted: bool, comment: optionalText })
  .transform(({ accepted, comment }) => DecisionBodySchema.parse({ accepted, ...(comment ? { comment } : {}) }));

/** A datetime-local field (the customer's wall clock, China time) as an ISO time with its offset; empty: none. */
const localTime = z
  .string()
  .regex(/^$|^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/)
  .transform((v) => (v ? `${v.length === 16 ? `${v}:00` : v}+08:00` : undefined));

/** Up to three windows (start1/end1 … start3/end3; a window left empty is skipped) and a reason; the route checks the result with RescheduleRequestBodySchema. */
export const RescheduleForm = z
  .object({
    start1: localTime,
    end1: localTime,
    start2: localTime.optional(),
    end2: localTime.optional(),
    start3: localTime.optional(),
    end3: localTime.optional(),
    reason: z.string(),
  })
  .transform((f) => ({
    windows: [
      [f.start1, f.end1],
      [f.start2, f.end2],
      [f.start3, f.end3],
    ]
      .filter(([s, e]) => s || e)
      .map(([start, end]) => ({ start, end })),
    reason: f.reason,
  }));
