// Zod schemas for everything that crosses the API. The single source of truth for
// validation, the TypeScript types and the OpenAPI document (api/openapi.ts).
import { z } from 'zod';
import { CASE_NO_PATTERN } from './caseNumber';
import { CHECK_OUT_RESULTS, STAGES } from './stages';
import { strictInt } from './strictInt';

export const CHANNELS = ['phone', 'web', 'app', 'wechat', 'email', 'walk_in'] as const;
export const PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;
export const CUSTOMER_TIERS = ['standard', 'vip'] as const;
export const LANGUAGES = ['zh-CN', 'en'] as const;

const identifier = z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'letters, digits, "_" or "-", at most 40');
const isoDateTime = z.iso.datetime({ offset: true }).meta({ example: '2026-11-23T09:00:00+08:00' });

export const ChannelSchema = z.enum(CHANNELS).meta({ id: 'Channel' });
export const PrioritySchema = z.enum(PRIORITIES).meta({ id: 'Priority', description: 'P1 most urgent (safety, outage) .. P4 routine' });
export type Priority = z.output<typeof PrioritySchema>;
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
    warrantyUntil: z.iso
      .date()
      .optional()
      .meta({ description: 'Last day of the product warranty; a repair quote on a covered product needs no customer approval' }),
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
    attachments: z
      .array(z.url({ protocol: /^https?$/ }))
      .max(10)
      .default([]),
    preferredWindows: z.array(TimeWindowSchema).max(5).default([]),
    allowDuplicate: z.boolean().default(false).meta({ description: 'Open a new case even if this customer phone + product serial has an open case' }),
    kind: z.enum(['repair', 'maintenance']).optional().meta({ description: 'repair (default) or maintenance (booked from a maintenance reminder)' }),
  })
  .meta({ id: 'CaseIntake' });
export type CaseIntakeInput = z.input<typeof CaseIntakeSchema>;
export type CaseIntake = z.output<typeof CaseIntakeSchema>;

const note = z.string().trim().max(1000).optional();
const reason = z.string().trim().min(1).max(500);
const partNo = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9._/-]{1,40}$/, 'a part number: letters, digits, . _ / -');
const quantity = z.int().min(1).max(999);

export const AssignBodySchema = z
  .strictObject({ engineerId: identifier.meta({ example: 'E001' }), note })
  .meta({ id: 'AssignBody', description: 'Manual assignment (override): the engineer must exist and be active' });

export const RedispatchBodySchema = z.strictObject({ reason }).meta({ id: 'RedispatchBody' });
export const AcceptOfferBodySchema = z.strictObject({ note }).meta({ id: 'AcceptOfferBody' });
export const DeclineOfferBodySchema = z.strictObject({ reason }).meta({ id: 'DeclineOfferBody' });

export const PartLineSchema = z.strictObject({ partNo, description: z.string().trim().max(200).optional(), quantity }).meta({ id: 'PartLine' });

export const ContactBodySchema = z
  .strictObject({
    confirmedAddress: z.string().trim().min(1).max(300),
    diagnosis: z.string().trim().min(1).max(2000).meta({ description: 'First diagnosis from the call' }),
    partsToBring: z.array(PartLineSchema).max(30).default([]),
    note,
  })
  .meta({ id: 'ContactBody' });

export const RESCHEDULE_PARTIES = ['customer', 'engineer'] as const;

export const AppointmentBodySchema = z
  .strictObject({
    start: isoDateTime,
    end: isoDateTime,
    note,
    requestedBy: z.enum(RESCHEDULE_PARTIES).optional().meta({ description: 'Required when rescheduling' }),
    reason: reason.optional().meta({ description: 'Required when rescheduling' }),
    override: z.strictObject({ reason }).optional().meta({
      description:
        "A dispatcher's (supervisor's, admin's) override of the engineer's working hours and the customer's preferred windows, with the reason; recorded on the timeline",
    }),
  })
  .refine((a) => Date.parse(a.end) > Date.parse(a.start), { message: 'end must be after start', path: ['end'] })
  .refine((a) => Date.parse(a.end) - Date.parse(a.start) <= 12 * 3600_000, {
    message: 'a visit slot is at most 12 hours',
    path: ['end'],
  })
  .meta({ id: 'AppointmentBody' });

export const NoShowBodySchema = z
  .strictObject({ party: z.enum(RESCHEDULE_PARTIES).meta({ description: 'Who did not show up' }), note })
  .meta({ id: 'NoShowBody' });

export const CheckInBodySchema = z
  .strictObject({
    lat: z.number().min(-90).max(90).optional(),
    lng: z.number().min(-180).max(180).optional(),
    note,
  })
  .meta({ id: 'CheckInBody' });

export const DiagnoseBodySchema = z.strictObject({ cause: z.string().trim().min(1).max(2000), note }).meta({ id: 'DiagnoseBody' });

export const QuoteLineSchema = z
  .strictObject({
    kind: z.enum(['part', 'labour']),
    partNo: partNo.optional(),
    description: z.string().trim().min(1).max(200),
    quantity,
    unitPrice: z.number().min(0).max(1_000_000).meta({ description: 'Price per unit in the quote currency' }),
  })
  .refine((l) => l.kind !== 'part' || !!l.partNo, { message: 'a part line needs partNo', path: ['partNo'] })
  .meta({ id: 'QuoteLine' });

export const QuoteBodySchema = z
  .strictObject({
    lines: z.array(QuoteLineSchema).min(1).max(50),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'an ISO 4217 code like CNY')
      .default('CNY'),
    note,
  })
  .meta({ id: 'QuoteBody' });

export const QuoteDecisionBodySchema = z
  .strictObject({ approve: z.boolean(), comment: z.string().trim().max(1000).optional() })
  .meta({ id: 'QuoteDecisionBody' });

export const CheckOutBodySchema = z
  .strictObject({
    result: z.enum(CHECK_OUT_RESULTS),
    resolution: z.string().trim().min(1).max(2000).meta({ description: 'What was found and done' }),
    partsUsed: z
      .array(PartLineSchema.extend({ oldPartReturned: z.boolean().meta({ description: 'Old part handed back to the customer' }) }))
      .max(50)
      .default([]),
    warrantyDays: z.int().min(0).max(1095).default(90).meta({ description: 'Warranty on the repaired items' }),
    note,
  })
  .meta({ id: 'CheckOutBody' });

/** The field messages of a confirmation missing what its answer needs (the customer page words them in its language). */
export const RATING_REQUIRED = 'a rating 1-5 is required when fixed is true';
export const NOT_FIXED_REASON_REQUIRED = 'a reason is required when fixed is false: say what is still wrong';

// "Not fixed" is not a verdict on the service: it needs no rating (one given is still
// taken, as before) but a reason, the comment, which the rework carries to the engineer.
export const ConfirmBodySchema = z
  .strictObject({
    rating: z.int().min(1).max(5).optional().meta({ description: 'Required when fixed is true; optional when false' }),
    comment: z.string().trim().max(1000).optional().meta({ description: 'With fixed=false the reason (required): what is still wrong' }),
    fixed: z.boolean().default(true).meta({ description: 'false re-opens the case as rework' }),
  })
  .superRefine((b, ctx) => {
    if (b.fixed && b.rating === undefined) ctx.addIssue({ code: 'custom', path: ['rating'], message: RATING_REQUIRED });
    if (!b.fixed && !b.comment) ctx.addIssue({ code: 'custom', path: ['comment'], message: NOT_FIXED_REASON_REQUIRED });
  })
  .meta({ id: 'ConfirmBody' });

export const CancelBodySchema = z.strictObject({ reason }).meta({ id: 'CancelBody' });
export const PriorityChangeBodySchema = z
  .strictObject({ priority: PrioritySchema, reason })
  .meta({ id: 'PriorityChangeBody', description: 'The new priority (not the current one) and why; the SLA clocks keep their start and paused time' });

export type AssignBody = z.output<typeof AssignBodySchema>;
export type RedispatchBody = z.output<typeof RedispatchBodySchema>;
export type AcceptOfferBody = z.output<typeof AcceptOfferBodySchema>;
export type DeclineOfferBody = z.output<typeof DeclineOfferBodySchema>;
export type ContactBody = z.output<typeof ContactBodySchema>;
export type AppointmentBody = z.output<typeof AppointmentBodySchema>;
export type NoShowBody = z.output<typeof NoShowBodySchema>;
export type CheckInBody = z.output<typeof CheckInBodySchema>;
export type DiagnoseBody = z.output<typeof DiagnoseBodySchema>;
export type QuoteBody = z.output<typeof QuoteBodySchema>;
export type QuoteDecisionBody = z.output<typeof QuoteDecisionBodySchema>;
export type CheckOutBody = z.output<typeof CheckOutBodySchema>;
export type ConfirmBody = z.output<typeof ConfirmBodySchema>;
export type CancelBody = z.output<typeof CancelBodySchema>;
export type PriorityChangeBody = z.output<typeof PriorityChangeBodySchema>;

// Engineers (the roster).
const hhmm = z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'a time like 08:30');

export const SkillSchema = z
  .strictObject({ category: z.string().trim().min(1).max(60), level: z.int().min(1).max(3).meta({ description: '1 junior, 2 certified, 3 senior' }) })
  .meta({ id: 'Skill' });

export const WorkingHoursSchema = z
  .strictObject({
    days: z.array(z.int().min(1).max(7)).min(1).max(7).meta({ description: 'ISO weekdays, 1 = Monday' }),
    start: hhmm,
    end: hhmm.meta({ description: 'At or before start: the shift ends the next day (overnight); equal to start: 24 hours' }),
  })
  .meta({
    id: 'WorkingHours',
    description: 'A weekly shift in TIME_ZONE, read as a duty shift: offers go to engineers on shift, visits are booked inside it',
  });

const engineerFields = {
  name: z.string().trim().min(1).max(100),
  badgeNo: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9-]{1,40}$/, 'letters, digits or -')
    .meta({ description: 'Engineer ID number shown to customers' }),
  phone: CustomerSchema.shape.phone.optional(),
  skills: z.array(SkillSchema).max(30),
  home: z.strictObject({ lat: z.number().min(-90).max(90), lng: z.number().min(-180).max(180) }).optional(),
  regions: z.array(identifier).min(1).max(20),
  workingHours: WorkingHoursSchema,
  maxOpenCases: z.int().min(1).max(50),
  active: z.boolean(),
  personId: identifier.optional().meta({ description: "The engineer's person in the staff directory" }),
};

export const EngineerInputSchema = z
  .strictObject({
    id: identifier.meta({ example: 'E101' }),
    ...engineerFields,
    workingHours: engineerFields.workingHours.default({ days: [1, 2, 3, 4, 5, 6], start: '08:00', end: '20:00' }),
    maxOpenCases: engineerFields.maxOpenCases.default(5),
    active: engineerFields.active.default(true),
    rating: z.number().min(1).max(5).default(4.5).meta({ description: 'Starting rating; moves with customer ratings' }),
  })
  .meta({ id: 'EngineerInput' });
export type EngineerInput = z.output<typeof EngineerInputSchema>;

export const EngineerPatchSchema = z
  .strictObject({
    name: engineerFields.name.optional(),
    badgeNo: engineerFields.badgeNo.optional(),
    phone: engineerFields.phone,
    skills: engineerFields.skills.optional(),
    home: engineerFields.home,
    regions: engineerFields.regions.optional(),
    workingHours: engineerFields.workingHours.optional(),
    maxOpenCases: engineerFields.maxOpenCases.optional(),
    active: engineerFields.active.optional(),
    personId: engineerFields.personId,
  })
  .refine((p) => Object.keys(p).length > 0, { message: 'nothing to change' })
  .meta({ id: 'EngineerPatch' });
export type EngineerPatch = z.output<typeof EngineerPatchSchema>;

export const EngineerListQuerySchema = z
  .strictObject({
    region: identifier.optional(),
    category: z.string().trim().min(1).max(60).optional(),
    active: z.enum(['true', 'false']).optional(),
    limit: strictInt(1, 100).default(50),
    cursor: identifier.optional().meta({ description: 'nextCursor of the previous page' }),
  })
  .meta({ id: 'EngineerListQuery' });
export type EngineerListQuery = z.output<typeof EngineerListQuerySchema>;

export const CaseNoSchema = z.string().regex(CASE_NO_PATTERN, 'a case number like CS-20261122-000123');

export const CaseListQuerySchema = z
  .strictObject({
    stage: StageSchema.optional(),
    priority: PrioritySchema.optional(),
    engineer: identifier.optional(),
    region: identifier.optional(),
    createdFrom: isoDateTime.optional(),
    createdTo: isoDateTime.optional(),
    limit: strictInt(1, 100).default(20),
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
      currentStage: z.string().optional().meta({ description: 'The stage of the case (Stage) or complaint (ComplaintStage) that refused the move' }),
      existingCaseNo: z.string().optional(),
      existingComplaintNo: z.string().optional(),
    }),
  })
  .meta({ id: 'Error' });
