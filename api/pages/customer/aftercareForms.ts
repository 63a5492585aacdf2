// The after-visit forms of a case link: the SMS survey's answer (the callback workflow's
// submitCallbackSurvey Update, as the JSON route runs it), booking the maintenance visit
// (the same booking as POST …/maintenance/book: a case of kind maintenance) and opting out
// of the product's reminders. Each is allowed on a closed case's link (they only come
// after the visit). A refusal comes back as the reason the customer is told.
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import type { Actor } from '../../../domain';
import { callbackWorkflowId } from '../../../domain/callbacks';
import { TimeWindowSchema } from '../../../domain/schemas';
import type { Database } from '../../../db/client';
import { submitCallbackSurvey } from '../../../workflows/callbackDefinitions';
import type { OpenCase } from '../../caseIntake';
import { runUpdate } from '../../caseUpdates';
import { latestSeriesReminder, maintenanceView, surveyOfCase } from '../../customerAftercare';
import { HttpError } from '../../errors';
import { bookMaintenance, optOutOfMaintenance } from '../../maintenanceBooking';
import type { AftercarePageView } from './aftercare';
import type { AftercareRefusal } from './aftercareWords';

export const AFTERCARE_FORMS = ['survey', 'maintenance', 'maintenance-opt-out'] as const;
export type AftercareForm = (typeof AFTERCARE_FORMS)[number];

export function isAftercareForm(form: unknown): form is AftercareForm {
  return typeof form === 'string' && (AFTERCARE_FORMS as readonly string[]).includes(form);
}

const optionalText = z
  .string()
  .trim()
  .max(1000)
  .optional()
  .transform((v) => (v ? v : undefined));

export const SurveyForm = z
  .object({ rating: z.coerce.number().int().min(1).max(5), comment: optionalText })
  .transform(({ rating, comment }) => ({ rating, ...(comment ? { comment } : {}) }));

/** A datetime-local field (China time, as the reschedule form's) as an ISO time with its offset; empty: none. */
const localTime = z
  .string()
  .regex(/^$|^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/)
  .optional()
  .transform((v) => (v ? `${v.length === 16 ? `${v}:00` : v}+08:00` : undefined));

/** Up to three optional windows (a window left empty is skipped; half of one is invalid), each in the future. */
export const MaintenanceBookForm = z
  .object({ start1: localTime, end1: localTime, start2: localTime, end2: localTime, start3: localTime, end3: localTime })
  .transform((f) =>
    [
      [f.start1, f.end1],
      [f.start2, f.end2],
      [f.start3, f.end3],
    ]
      .filter(([s, e]) => s || e)
      .map(([start, end]) => ({ start, end })),
  )
  .pipe(z.array(TimeWindowSchema.refine((w) => Date.parse(w.start) > Date.now(), { message: 'a window in the future', path: ['start'] })).max(3));

export interface AftercareDeps {
  client: Client;
  db: Database;
  openCase: OpenCase;
}

/** What the case page shows after the visit: the survey, the latest maintenance reminder, the opt-out step. */
export async function aftercarePageView(db: Database, caseNo: string, step: unknown): Promise<AftercarePageView> {
  const [survey, reminder] = await Promise.all([surveyOfCase(db, caseNo), latestSeriesReminder(db, caseNo)]);
  return {
    ...(survey ? { survey } : {}),
    ...(reminder ? { maintenance: await maintenanceView(db, reminder) } : {}),
    optOutStep: step === 'opt-out',
  };
}

function parsed<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const r = schema.safeParse(body);
  if (!r.success) throw new HttpError(400, 'validation_failed', 'invalid form');
  return r.data;
}

/** Runs one after-visit form: the anchor of the page to go back to, or why it was refused. */
export async function postAftercareForm(
  deps: AftercareDeps,
  form: AftercareForm,
  caseNo: string,
  actor: Actor,
  body: unknown,
  moveKey: string,
): Promise<{ anchor: string } | { refused: AftercareRefusal }> {
  if (form === 'survey') {
    const answer = parsed(SurveyForm, body);
    const workflowId = callbackWorkflowId(caseNo);
    try {
      await runUpdate(
        deps.client,
        deps.db,
        { no: caseNo, workflowId },
        submitCallbackSurvey,
        actor,
        answer,
        { action: 'callbackSurvey', key: moveKey },
        async () => {
          return new HttpError(409, 'illegal_transition', `no survey is open for ${caseNo}`);
        },
      );
    } catch (err) {
      if (!(err instanceof HttpError && err.code === 'illegal_transition')) throw err;
      return { refused: (await surveyOfCase(deps.db, caseNo))?.status === 'answered' ? 'survey_answered' : 'survey_closed' };
    }
    // The workflow writes the answer (and opens a complaint for a low rating) as it ends,
    // right after the Update: waited for, so the page it redirects to shows the answer.
    await deps.client.workflow
      .getHandle(workflowId)
      .result()
      .catch(() => undefined);
    return { anchor: 'survey' };
  }
  const reminder = await latestSeriesReminder(deps.db, caseNo);
  if (!reminder) return { refused: 'no_reminder' };
  const view = await maintenanceView(deps.db, reminder);
  if (form === 'maintenance-opt-out') {
    await optOutOfMaintenance(deps, reminder, actor, 'link');
    return { anchor: 'maintenance' };
  }
  const windows = parsed(MaintenanceBookForm, body);
  if (view.booking === 'booked') return { refused: 'already_booked' };
  if (view.optedOutAt) return { refused: 'opted_out' };
  if (view.booking === 'closed') return { refused: 'booking_closed' };
  await bookMaintenance(deps, reminder, actor, 'link', windows);
  return { anchor: 'maintenance' };
}
