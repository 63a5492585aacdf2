// Zod schemas of the staff directory and duty roster API (people, shifts, fallbacks).
import { z } from 'zod';
import { ANY_REGION, PERSON_ROLES, PREFERRED_CHANNELS } from './duty';
import { CustomerSchema, LANGUAGES } from './schemas';
import { strictInt } from './strictInt';

const identifier = z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'letters, digits, "_" or "-", at most 40');
const hhmm = z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'a time like 08:30');

export const PersonIdSchema = identifier.meta({ example: 'P-PD-SUP' });
export const PersonRoleSchema = z.enum(PERSON_ROLES).meta({ id: 'PersonRole' });

const personFields = {
  name: z.string().trim().min(1).max(100),
  roles: z.array(PersonRoleSchema).min(1).max(PERSON_ROLES.length),
  regions: z.array(identifier).max(20).meta({ description: 'Service regions or teams, e.g. SH-PD' }),
  phone: CustomerSchema.shape.phone.optional(),
  email: z.email().max(200).optional(),
  preferredChannel: z.enum(PREFERRED_CHANNELS).meta({ description: 'How escalations and assignments reach this person' }),
  language: z.enum(LANGUAGES),
  active: z.boolean(),
};

/** The preferred channel needs its address. */
function reachable(p: { preferredChannel?: string; phone?: string; email?: string }, ctx: z.RefinementCtx): void {
  if (p.preferredChannel === 'sms' && !p.phone) ctx.addIssue({ code: 'custom', path: ['phone'], message: 'required when preferredChannel is sms' });
  if (p.preferredChannel === 'email' && !p.email) ctx.addIssue({ code: 'custom', path: ['email'], message: 'required when preferredChannel is email' });
}

export const PersonInputSchema = z
  .strictObject({
    id: PersonIdSchema,
    ...personFields,
    regions: personFields.regions.default([]),
    language: personFields.language.default('zh-CN'),
    active: personFields.active.default(true),
  })
  .superRefine(reachable)
  .meta({ id: 'PersonInput' });
export type PersonInput = z.output<typeof PersonInputSchema>;

export const PersonPatchSchema = z
  .strictObject({
    name: personFields.name.optional(),
    roles: personFields.roles.optional(),
    regions: personFields.regions.optional(),
    phone: personFields.phone,
    email: personFields.email,
    preferredChannel: personFields.preferredChannel.optional(),
    language: personFields.language.optional(),
    active: personFields.active.optional(),
  })
  .refine((p) => Object.keys(p).length > 0, { message: 'nothing to change' })
  .meta({ id: 'PersonPatch' });
export type PersonPatch = z.output<typeof PersonPatchSchema>;

export const PersonListQuerySchema = z
  .strictObject({
    role: PersonRoleSchema.optional(),
    region: identifier.optional(),
    active: z.enum(['true', 'false']).optional(),
    limit: strictInt(1, 100).default(50),
    cursor: identifier.optional().meta({ description: 'nextCursor of the previous page' }),
  })
  .meta({ id: 'PersonListQuery' });
export type PersonListQuery = z.output<typeof PersonListQuerySchema>;

export const ShiftInputSchema = z
  .strictObject({
    personId: PersonIdSchema,
    role: PersonRoleSchema,
    region: identifier,
    days: z.array(z.int().min(1).max(7)).min(1).max(7).meta({ description: 'ISO weekdays the shift starts on, 1 = Monday' }),
    start: hhmm,
    end: hhmm.meta({ description: 'At or before start: the shift ends the next day (overnight)' }),
  })
  .meta({ id: 'ShiftInput' });
export type ShiftInput = z.output<typeof ShiftInputSchema>;

export const ShiftListQuerySchema = z
  .strictObject({
    personId: PersonIdSchema.optional(),
    region: identifier.optional(),
    role: PersonRoleSchema.optional(),
    limit: strictInt(1, 200).default(100),
    cursor: strictInt(0, 2_000_000_000).optional().meta({ description: 'nextCursor of the previous page' }),
  })
  .meta({ id: 'ShiftListQuery' });
export type ShiftListQuery = z.output<typeof ShiftListQuerySchema>;

export const FallbackInputSchema = z
  .strictObject({
    region: z.union([identifier, z.literal(ANY_REGION)]).meta({ description: `A region, or "${ANY_REGION}" for the global fallback` }),
    role: PersonRoleSchema,
    personId: PersonIdSchema,
  })
  .meta({ id: 'FallbackInput' });
export type FallbackInput = z.output<typeof FallbackInputSchema>;

export const MyNotificationsQuerySchema = z
  .strictObject({
    limit: strictInt(1, 100).default(20),
    cursor: z.string().max(200).optional().meta({ description: 'nextCursor of the previous page' }),
  })
  .meta({ id: 'MyNotificationsQuery' });
export type MyNotificationsQuery = z.output<typeof MyNotificationsQuerySchema>;
