// The open-cases gauge's source (casework_open_cases): one grouped COUNT at scrape time.
// Open = not archived or cancelled (domain CLOSED_STAGES); the stage and priority indexes
// keep it cheap, and its cost grows with open cases only, not with the archive.
import { count, notInArray } from 'drizzle-orm';
import { CLOSED_STAGES } from '../../domain/stages';
import type { Database } from '../client';
import { cases } from '../schema';

export async function openCasesByStageAndPriority(db: Database): Promise<Array<{ stage: string; priority: string; count: number }>> {
  return db
    .select({ stage: cases.stage, priority: cases.priority, count: count() })
    .from(cases)
    .where(notInArray(cases.stage, [...CLOSED_STAGES]))
    .groupBy(cases.stage, cases.priority);
}
