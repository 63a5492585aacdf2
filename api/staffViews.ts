// How the staff directory and the duty roster look through the API.
import { z } from 'zod';
import type { FallbackRow, PersonRow, ShiftRow } from '../db/queries/people';

export const PersonViewSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    roles: z.array(z.string()),
    regions: z.array(z.string()),
    phone: z.string().nullable(),
    email: z.string().nullable(),
    preferredChannel: z.enum(['sms', 'email']),
    language: z.enum(['zh-CN', 'en']),
    active: z.boolean(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Person' });

export function personView(p: PersonRow): z.output<typeof PersonViewSchema> {
  return {
    id: p.id,
    name: p.name,
    roles: p.roles,
    regions: p.regions,
    phone: p.phone,
    email: p.email,
    preferredChannel: p.preferredChannel,
    language: p.language,
    active: p.active,
    updatedAt: p.updatedAt.toISOString(),
  };
}

export const ShiftViewSchema = z
  .object({
    id: z.int(),
    personId: z.string(),
    role: z.string(),
    region: z.string(),
    days: z.array(z.int()),
    start: z.string(),
    end: z.string(),
    overnight: z.boolean(),
  })
  .meta({ id: 'Shift' });

export function shiftView(
  s: Omit<Pick<ShiftRow, 'id' | 'personId' | 'role' | 'region' | 'start' | 'end'>, never> & { days: readonly number[] },
): z.output<typeof ShiftViewSchema> {
  return { id: s.id, personId: s.personId, role: s.role, region: s.region, days: [...s.days], start: s.start, end: s.end, overnight: s.end <= s.start };
}

export const FallbackViewSchema = z.object({ region: z.string(), role: z.string(), personId: z.string(), updatedAt: z.string() }).meta({ id: 'Fallback' });

export function fallbackView(f: FallbackRow): z.output<typeof FallbackViewSchema> {
  return { region: f.region, role: f.role, personId: f.personId, updatedAt: f.updatedAt.toISOString() };
}
