import { NativeConnection, Worker, Runtime, makeTelemetryFilterString, DefaultLogger } from '@temporalio/worker';
import type { Logger } from 'pino';
import { createActivities } from '../activities';
import type { GatewayConfig } from '../activities/gateways';
import type { CustomerLinkConfig } from '../shared/customerLinks';
import type { Database } from '../db/client';
import { caseDataConverter, temporalConnectionSecurity, type TemporalSecurity } from '../shared/temporalData';
import { connectExplained } from '../shared/temporalTlsProbe';
import type { PayloadKeyring } from '../shared/payloadKeys';
import { activityErrorInterceptor } from './activityErrors';
import { tracing } from '../shared/tracing';
import { subjectOfWorkflowId } from '../shared/logContext';
import { workflowBundleOption } from './workflowBundle';
import { maxCachedWorkflows } from './workflowCache';
import { observedInterceptors, runtimeMetrics, workflowSpanSinks } from './observability';

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
  /** Signs customer links in messages; null: no links; default: from the environment, if set. */
  customerLinks?: CustomerLinkConfig | null;
  /** Temporal payload keys: everything the worker sends to Temporal is encrypted with the first. */
  payloadKeys: PayloadKeyring;
  /** TLS / API key towards Temporal (TEMPORAL_TLS_*, TEMPORAL_API_KEY); default: plain. */
  security?: TemporalSecurity;
  /** Open workflows kept in memory (worker/workflowCache.ts); default: from the heap. */
  maxCachedWorkflows?: number;
}

/**
 * Routes the SDK's own logs into our structured logger. The runtime is installed again
 * whenever the SDK dropped it (it does once its last worker and connection are closed,
 * as a supervised restart does). No shutdown signals: the worker's owner (worker/main.ts,
 * the launcher) decides when to stop, and a runtime that reacted to SIGINT by itself would
 * stop the worker behind its supervisor's back.
 */
function installRuntimeLogger(logger: Logger): void {
  try {
    Runtime.install({
      logger: new DefaultLogger('INFO', (entry) => {
        // Workflow (and SDK activity) lines name their case or complaint from the workflow id
        // the SDK puts in their metadata; the bundled interceptors add requestId and, traced,
        // trace_id/span_id (workflows/requestIdInterceptors.ts, OpenTelemetry's).
        const workflowId = typeof entry.meta?.workflowId === 'string' ? entry.meta.workflowId : '';
        const fields = { ...subjectOfWorkflowId(workflowId), ...(entry.meta ?? {}), sdk: true };
        const level = entry.level.toLowerCase() as 'trace' | 'debug' | 'info' | 'warn' | 'error';
        logger[level === 'trace' ? 'trace' : level](fields, entry.message);
      }),
      telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN' }) }, ...runtimeMetrics() },
      shutdownSignals: [],
    });
  } catch {
    // Already installed (and still alive): keep it.
  }
}

let bundle: ReturnType<typeof workflowBundleOption> | undefined;

/** The workflow bundle, loaded or built once per process: a restarted worker reuses it (webpack costs seconds). */
function workflowBundle(logger: Logger): ReturnType<typeof workflowBundleOption> {
  bundle ??= workflowBundleOption(process.env, { traced: tracing().enabled, logger: Runtime.instance().logger }).then(
    (b) => {
      logger.info({ workflowBundle: b.source }, 'workflow bundle');
      return b;
    },
    (err: unknown) => {
      bundle = undefined;
      logger.error({ err }, 'bundling the workflows failed');
      throw err;
    },
  );
  return bundle;
}

/** The worker's connection to Temporal, with TLS / API key; a TLS failure says what is wrong (the core's own error can be a bare "broken pipe"). */
export async function connectWorkerConnection(address: string, security?: TemporalSecurity): Promise<NativeConnection> {
  const options = { address, ...temporalConnectionSecurity(security) };
  return connectExplained(() => NativeConnection.connect(options), address, options.tls);
}

export async function createCaseWorker(opts: CaseWorkerOptions): Promise<{ worker: Worker; connection: NativeConnection }> {
  installRuntimeLogger(opts.logger);
  const code = await workflowBundle(opts.logger);
  const connection = await connectWorkerConnection(opts.address, opts.security);
  try {
    const worker = await Worker.create({
      connection,
      namespace: opts.namespace,
      taskQueue: opts.taskQueue,
      workflowBundle: code.bundle,
      dataConverter: caseDataConverter(opts.payloadKeys),
      activities: createActivities(opts.db, { timeZone: opts.timeZone, gatewayConfig: opts.gatewayConfig, customerLinks: opts.customerLinks }),
      interceptors: observedInterceptors([activityErrorInterceptor]),
      sinks: workflowSpanSinks(),
      maxCachedWorkflows: opts.maxCachedWorkflows ?? maxCachedWorkflows(undefined),
    });
    return { worker, connection };
  } catch (err) {
    await connection.close().catch(() => undefined);
    throw err;
  }
}
