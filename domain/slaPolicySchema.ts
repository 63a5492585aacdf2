// zod schema of the SLA policy table (admin API input and OpenAPI); the types and the
// defaults live in domain/sla.ts.
import { z } from 'zod';
import { CLOCKS, ESCALATION_ACTIONS, type SlaPolicy } from './sla';
import { COMPLAINT_GRADES } from './complaints';

const minutes = z
  .number()
  .positive()
  .max(60 * 24 * 90)
  .meta({ description: 'Minutes (fractions allowed)' });
const localDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date like 2026-10-01');
const hhmm = z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'a time like 09:00');

const targets = z.strictObject(Object.fromEntries(CLOCKS.map((c) => [c, minutes])) as Record<(typeof CLOCKS)[number], typeof minutes>);
const priorityPolicy = z.strictObject({ calendar: z.enum(['24x7', 'business']), targetsMinutes: targets });
const gradePolicy = z.strictObject({ calendar: z.enum(['24x7', 'business']), acknowledgeMinutes: minutes, resolveMinutes: minutes });
const complaintStandard = z
  .strictObject(Object.fromEntries(COMPLAINT_GRADES.map((g) => [g, gradePolicy])) as Record<(typeof COMPLAINT_GRADES)[number], typeof gradePolicy>)
  .refine(
    (c) =>
      c.general.acknowledgeMinutes >= c.serious.acknowledgeMinutes &&
      c.serious.acknowledgeMinutes >= c.critical.acknowledgeMinutes &&
      c.general.resolveMinutes >= c.serious.resolveMinutes &&
      c.serious.resolveMinutes >= c.critical.resolveMinutes,
    {
      message: 'a more severe grade cannot have a longer target',
    },
  )
  .meta({ description: 'Complaint response standard per grade (分级响应机制); absent = the defaults' });

export const SlaPolicySchema = z
  .strictObject({
    warningAt: z.number().gt(0).lt(1).meta({ description: 'Fraction of the target at which the warning fires, e.g. 0.75' }),
    ladder: z
      .array(
        z.strictObject({
          level: z.int().min(1).max(9),
          atFraction: z.number().min(1).max(20),
          actions: z.array(z.enum(ESCALATION_ACTIONS)).min(1),
        }),
      )
      .min(1)
      .max(5)
      .refine((l) => l.every((x, i) => x.level === i + 1 && (i === 0 || x.atFraction > l[i - 1]!.atFraction)), {
        message: 'levels must be 1, 2, 3… with increasing atFraction',
      }),
    calendar: z
      .strictObject({
        utcOffsetMinutes: z.int().min(-720).max(840),
        workdays: z.array(z.int().min(1).max(7)).min(1),
        open: hhmm,
        close: hhmm,
        holidays: z.array(localDate).max(400),
        makeupWorkdays: z.array(localDate).max(100),
      })
      .refine((c) => c.close > c.open, { message: 'close must be after open', path: ['close'] }),
    priorities: z.strictObject({ P1: priorityPolicy, P2: priorityPolicy, P3: priorityPolicy, P4: priorityPolicy }),
    complaints: complaintStandard.optional(),
  })
  .meta({ id: 'SlaPolicy' }) satisfies z.ZodType<SlaPolicy>;
