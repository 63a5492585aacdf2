// Activities are built from their dependencies (the samples-typescript pattern), so the
// worker and the tests pass real connections in.
import { log } from '@temporalio/activity';
import { loadEnv } from '../config/env';
import type { CaseEvent, CaseState } from '../domain';
import type { Database } from '../db/client';
import { writeCaseEvent } from './caseRecords';
import { gatewayConfigFromEnv, gatewaysFromConfig, type GatewayConfig, type Gateways } from './gateways';
import { createNotificationActivities } from './notifications';

export interface ActivityDeps {
  /** Notification gateways; default: built from `gatewayConfig`. */
  gateways?: Gateways;
  /** Default: from the environment (SMS_GATEWAY_URL, SMTP_URL, …), read at first send. */
  gatewayConfig?: GatewayConfig;
}

export function createActivities(db: Database, deps: ActivityDeps = {}) {
  const gateways = deps.gateways ?? (() => gatewaysFromConfig(deps.gatewayConfig ?? gatewayConfigFromEnv(loadEnv())));
  return {
    /** Persists a case snapshot and appends one timeline event, exactly once. */
    async recordCaseEvent(state: CaseState, event: CaseEvent): Promise<{ inserted: boolean }> {
      const result = await writeCaseEvent(db, state, event);
      log.info('case event recorded', { caseNo: state.caseNo, seq: event.seq, type: event.type, ...result });
      return result;
    },
    ...createNotificationActivities(db, gateways),
  };
}


export type CaseActivities = ReturnType<typeof createActivities>;
