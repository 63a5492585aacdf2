// Activities are built from their dependencies (the samples-typescript pattern), so the
// worker and the tests pass real connections in.
import { log } from '@temporalio/activity';
import type { CaseEvent, CaseState } from '../domain';
import type { Database } from '../db/client';
import { writeCaseEvent } from './caseRecords';

export function createActivities(db: Database) {
  return {
    /** Persists a case snapshot and appends one timeline event, exactly once. */
    async recordCaseEvent(state: CaseState, event: CaseEvent): Promise<{ inserted: boolean }> {
      const result = await writeCaseEvent(db, state, event);
      log.info('case event recorded', { caseNo: state.caseNo, seq: event.seq, type: event.type, ...result });
      return result;
    },
  };
}

export type CaseActivities = ReturnType<typeof createActivities>;
