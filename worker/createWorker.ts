import { NativeConnection, Worker, Runtime, makeTelemetryFilterString, DefaultLogger } from '@temporalio/worker';
import type { Logger } from 'pino';
import { createActivities } from '../activities';
import type { GatewayConfig } from '../activities/gateways';
import type { CustomerLinkConfig } from '../api/customerLinks';
import type { Database } from '../db/client';
import { activityErrorInterceptor } from './activityErrors';

export interface CaseWorkerOptions {
  address: string;
  namespace: string;
  taskQueue: string;
  db: Database;
  logger: Logger;
  /** Service-area time zone (engineers' working days). */
  timeZone?: string;
  /** Notification gateways; default: from the environment (SMS_GATEWAY_URL, SMTP_URL, …). */
  gatewayConfig?: GatewayConfig;
  /** Signs customer links in messages; default: from the environment, if set. */
  customerLinks?: CustomerLinkConfig;
}

let runtimeInstalled = false;

/** Routes the SDK's own logs into our structured logger (once per process). */
function installRuntimeLogger(logger: Logger): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({
    logger: new DefaultLogger('INFO', (entry) => {
      const fields = { ...(entry.meta ?? {}), sdk: true };
      const level = entry.level.toLowerCase() as 'trace' | 'debug' | 'info' | 'warn' | 'error';
      logger[level === 'trace' ? 'trace' : level](fields, entry.message);
    }),
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN' }) } },
  });
}

export async function createCaseWorker(opts: CaseWorkerOptions): Promise<{ worker: Worker; connection: NativeConnection }> {
  installRuntimeLogger(opts.logger);
  const connection = await NativeConnection.connect({ address: opts.address });
  const worker = await Worker.create({
    connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    workflowsPath: require.resolve('../workflows'),
    activities: createActivities(opts.db, { timeZone: opts.timeZone, gatewayConfig: opts.gatewayConfig, customerLinks: opts.customerLinks }),
    interceptors: { activity: [activityErrorInterceptor] },
  });
  return { worker, connection };
}
