// Zod schemas of the complaint API: request bodies, list and stats queries. The single
// source of the validation, the TypeScript types and the OpenAPI document.
import { z } from 'zod';
import { CaseNoSchema, ChannelSchema, CustomerSchema, LANGUAGES } from './schemas';
import { strictInt } from './strictInt';
import { COMPLAINT_CATEGORIES, COMPLAINT_GRADES, COMPLAINT_NO_PATTERN, COMPLAINT_STAGES, COMPLAINT_TRIGGERS } from './complaints';

const identifier = z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'letters, digits, "_" or "-", at most 40');
const note = z.string().trim().max(2000).optional();
const text = z.string().trim().min(1).max(2000);
const isoDateTime = z.iso.datetime({ offset: true });

export const ComplaintCategorySchema = z.enum(COMPLAINT_CATEGORIES).meta({ id: 'ComplaintCategory' });
export const ComplaintGradeSchema = z
  .enum(COMPLAINT_GRADES)
  .meta({ id: 'ComplaintGrade', description: 'general < serious < critical; each has its own acknowledge-by and resolve-by targets' });
export const ComplaintStageSchema = z.enum(COMPLAINT_STAGES).meta({ id: 'ComplaintStage' });
export const ComplaintNoSchema = z.string().regex(COMPLAINT_NO_PATTERN, 'a complaint number like CP-20261122-000123');

export const RESPONSIBILITIES = ['engineer', 'service_center', 'product', 'parts_supplier', 'customer', 'none'] as const;

export const ComplaintOpenSchema = z
  .strictObject({
    category: ComplaintCategorySchema,
    grade: ComplaintGradeSchema.default('general'),
    channel: ChannelSchema,
    summary: text.meta({ description: "The customer's complaint in their words" }),
    caseNo: CaseNoSchema.optional().meta({ description: 'The case complained about; its customer is used when `customer` is absent' }),
    customer: z
      .strictObject({
        name: z.string().trim().min(1).max(100).optional(),
        phone: CustomerSchema.shape.phone,
        language: z.enum(LANGUAGES).default('zh-CN'),
      })
      .optional()
      .meta({ description: 'Required for a standalone complaint (no caseNo)' }),
    owner: identifier.optional().meta({ description: 'Supervisor who owns it (default: the supervisor on duty)' }),
  })
  .refine((b) => b.caseNo || b.customer, { message: 'a standalone complaint needs the customer (phone)', path: ['customer'] })
  .meta({ id: 'ComplaintOpen' });
export type ComplaintOpen = z.output<typeof ComplaintOpenSchema>;

export const AcknowledgeBodySchema = z
  .strictObject({ note, category: ComplaintCategorySchema.optional().meta({ description: 'Re-classify after the first contact' }) })
  .meta({ id: 'ComplaintAcknowledgeBody' });
export const InvestigateBodySchema = z.strictObject({ note }).meta({ id: 'ComplaintInvestigateBody' });
export const ProposeResolutionBodySchema = z
  .strictObject({
    resolution: text,
    compensation: z
      .strictObject({
        amount: z.number().min(0).max(1_000_000),
        currency: z
          .string()
          .regex(/^[A-Z]{3}$/, 'ISO currency, e.g. CNY')
          .default('CNY'),
      })
      .optional(),
  })
  .meta({ id: 'ComplaintProposeBody' });
export const DecisionBodySchema = z
  .strictObject({ accepted: z.boolean().meta({ description: 'false re-opens the complaint and raises its grade' }), comment: note })
  .meta({ id: 'ComplaintDecisionBody' });
export const CallbackBodySchema = z
  .strictObject({ satisfied: z.boolean().meta({ description: 'false re-opens the complaint and raises its grade' }), note })
  .meta({ id: 'ComplaintCallbackBody' });
export const CloseBodySchema = z.strictObject({ rootCause: text, responsibility: z.enum(RESPONSIBILITIES), summary: note }).meta({ id: 'ComplaintCloseBody' });
export const ReassignBodySchema = z.strictObject({ owner: identifier, reason: note }).meta({ id: 'ComplaintReassignBody' });
export const NoteBodySchema = z.strictObject({ note: text }).meta({ id: 'ComplaintNoteBody' });
export const WithdrawBodySchema = z.strictObject({ reason: text }).meta({ id: 'ComplaintWithdrawBody' });

export type AcknowledgeBody = z.output<typeof AcknowledgeBodySchema>;
export type InvestigateBody = z.output<typeof InvestigateBodySchema>;
export type ProposeResolutionBody = z.output<typeof ProposeResolutionBodySchema>;
export type DecisionBody = z.output<typeof DecisionBodySchema>;
export type CallbackBody = z.output<typeof CallbackBodySchema>;
export type CloseBody = z.output<typeof CloseBodySchema>;
export type ReassignBody = z.output<typeof ReassignBodySchema>;
export type NoteBody = z.output<typeof NoteBodySchema>;
export type WithdrawBody = z.output<typeof WithdrawBodySchema>;

export const ComplaintListQuerySchema = z
  .strictObject({
    stage: ComplaintStageSchema.optional(),
    category: ComplaintCategorySchema.optional(),
    grade: ComplaintGradeSchema.optional(),
    owner: identifier.optional(),
    caseNo: CaseNoSchema.optional(),
    phone: CustomerSchema.shape.phone.optional().meta({ description: "Customer's phone, any spelling" }),
    source: z.enum(['agent', 'auto']).optional(),
    trigger: z.enum(COMPLAINT_TRIGGERS).optional(),
    open: z.enum(['true', 'false']).optional(),
    breached: z.enum(['true', 'false']).optional(),
    createdFrom: isoDateTime.optional(),
    createdTo: isoDateTime.optional(),
    limit: strictInt(1, 100).default(20),
    cursor: z.string().max(200).optional().meta({ description: 'nextCursor of the previous page' }),
  })
  .meta({ id: 'ComplaintListQuery' });
export type ComplaintListQuery = z.output<typeof ComplaintListQuerySchema>;

export const ComplaintStatsQuerySchema = z
  .strictObject({
    from: isoDateTime.optional().meta({ description: 'Complaints opened at or after (default: 30 days ago)' }),
    to: isoDateTime.optional().meta({ description: 'Complaints opened before (default: now)' }),
  })
  .meta({ id: 'ComplaintStatsQuery' });
