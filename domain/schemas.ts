// Zod schemas for everything that crosses the API. The single source of truth for
// validation, the TypeScript types and the OpenAPI document (api/openapi.ts).
import { z } from 'zod';
import { CASE_NO_PATTERN } from './caseNumber';
import { CHECK_OUT_RESULTS, STAGES } from './stages';

export const CHANNELS = ['phone', 'web', 'app', 'wechat', 'email', 'walk_in'] as const;
export const PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;
export const CUSTOMER_TIERS = ['standard', 'vip'] as const;
export const LANGUAGES = ['zh-CN', 'en'] as const;

const identifier = z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'letters, digits, "_" or "-", at most 40');
const isoDateTime = z.iso.datetime({ offset: true }).meta({ example: '2026-11-23T09:00:00+08:00' });

export const ChannelSchema = z.enum(CHANNELS).meta({ id: 'Channel' });
export const PrioritySchema = z
  .enum(PRIORITIES)
  .meta({ id: 'Priority', description: 'P1 most urgent (safety, outage) .. P4 routine' });
export const StageSchema = z.enum(STAGES).meta({ id: 'Stage' });

export const CustomerSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(100),
    phone: z
      .string()
      .regex(/^\+?[0-9][0-9 -]{5,19}$/, 'a phone number: digits, optional leading +, spaces or dashes')
      .meta({ example: '+86 138 0013 8000' }),
    address: z.string().trim().min(1).max(300),
    lat: z.number().min(-90).max(90).optional(),
    lng: z.number().min(-180).max(180).optional(),
    tier: z.enum(CUSTOMER_TIERS).default('standard'),
    region: identifier.optional().meta({ description: 'Service region code, e.g. SH-PD' }),
    language: z.enum(LANGUAGES).default('zh-CN'),
  })
  .meta({ id: 'Customer' });

export const ProductSchema = z
  .strictObject({
    category: z.string().trim().min(1).max(60).meta({ example: 'air_conditioner' }),
    model: z.string().trim().min(1).max(80),
    serial: z.string().trim().min(1).max(80),
  })
  .meta({ id: 'Product' });

export const TimeWindowSchema = z
  .strictObject({ start: isoDateTime, end: isoDateTime })
  .refine((w) => Date.parse(w.end) > Date.parse(w.start), { message: 'end must be after start', path: ['end'] })
  .meta({ id: 'TimeWindow' });

export const CaseIntakeSchema = z
  .strictObject({
    channel: ChannelSchema,
    customer: CustomerSchema,
    product: ProductSchema,
    faultDescription: z.string().trim().min(1).max(2000),
    priority: PrioritySchema.default('P3'),
    attachments: z.array(z.url({ protocol: /^https?$/ })).max(10).default([]),
    preferredWindows: z.array(TimeWindowSchema).max(5).default([]),
    allowDuplicate: z
      .boolean()
      .default(false)
      .meta({ description: 'Open a new case even if this customer phone + product serial has an open case' }),
  })
  .meta({ id: 'CaseIntake' });
export type CaseIntakeInput = z.input<typeof CaseIntakeSchema>;
export type CaseIntake = z.output<typeof CaseIntakeSchema>;

export const AssignBodySchema = z
  .strictObject({
    engineerId: identifier.meta({ example: 'E001' }),
    engineerName: z.string().trim().min(1).max(100).optional(),
    note: z.string().trim().max(1000).optional(),
  })
  .meta({ id: 'AssignBody' });

export const AppointmentBodySchema = z
  .strictObject({ start: isoDateTime, end: isoDateTime, note: z.string().trim().max(1000).optional() })
  .refine((a) => Date.parse(a.end) > Date.parse(a.start), { message: 'end must be after start', path: ['end'] })
  .refine((a) => Date.parse(a.end) - Date.parse(a.start) <= 12 * 3600_000, {
    message: 'a visit slot is at most 12 hours',
    path: ['end'],
  })
  .meta({ id: 'AppointmentBody' });

export const CheckInBodySchema = z
  .strictObject({
    lat: z.number().min(-90).max(90).optional(),
    lng: z.number().min(-180).max(180).optional(),
    note: z.string().trim().max(1000).optional(),
  })
  .meta({ id: 'CheckInBody' });

export const CheckOutBodySchema = z
  .strictObject({
    result: z.enum(CHECK_OUT_RESULTS),
    resolution: z.string().trim().min(1).max(2000).meta({ description: 'What was found and done' }),
    note: z.string().trim().max(1000).optional(),
  })
  .meta({ id: 'CheckOutBody' });

export const ConfirmBodySchema = z
  .strictObject({
    rating: z.int().min(1).max(5),
    comment: z.string().trim().max(1000).optional(),
  })
  .meta({ id: 'ConfirmBody' });

export const CancelBodySchema = z
  .strictObject({ reason: z.string().trim().min(1).max(500) })
  .meta({ id: 'CancelBody' });

export type AssignBody = z.output<typeof AssignBodySchema>;
export type AppointmentBody = z.output<typeof AppointmentBodySchema>;
export type CheckInBody = z.output<typeof CheckInBodySchema>;
export type CheckOutBody = z.output<typeof CheckOutBodySchema>;
export type ConfirmBody = z.output<typeof ConfirmBodySchema>;
export type CancelBody = z.output<typeof CancelBodySchema>;

export const CaseNoSchema = z.string().regex(CASE_NO_PATTERN, 'a case number like CS-20261122-000123');

export const CaseListQuerySchema = z
  .strictObject({
    stage: StageSchema.optional(),
    priority: PrioritySchema.optional(),
    engineer: identifier.optional(),
    createdFrom: isoDateTime.optional(),
    createdTo: isoDateTime.optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: z.string().max(200).optional().meta({ description: 'nextCursor of the previous page' }),
  })
  .meta({ id: 'CaseListQuery' });
export type CaseListQuery = z.output<typeof CaseListQuerySchema>;

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().meta({ example: 'validation_failed' }),
      message: z.string(),
      fields: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
      currentStage: StageSchema.optional(),
      existingCaseNo: z.string().optional(),
    }),
  })
  .meta({ id: 'Error' });
