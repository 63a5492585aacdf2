// What a Temporal cluster needs before casework runs on it, done through the frontend's
// own APIs (no CLI): the namespace with casework's retention, and the custom search
// attributes the workflows upsert. Used by `npm run temporal:setup` (docker-compose.yml's
// one-shot job runs its compiled form) and by `npm run test:production`, so the
// deployment and the test set a cluster up the same way. Safe to run again.
import { isGrpcServiceError, type Connection } from '@temporalio/client';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { msToTs } from '@temporalio/common/lib/time';
import { SEARCH_ATTRIBUTE_KEYS } from '../domain/searchAttributes';

const DAY_MS = 24 * 3600_000;
/** gRPC status codes (grpc-js is not a direct dependency). */
const status = { DEADLINE_EXCEEDED: 4, NOT_FOUND: 5, ALREADY_EXISTS: 6, UNAVAILABLE: 14 } as const;

export interface ClusterSetupLog {
  info(fields: object, msg: string): void;
  warn(fields: object, msg: string): void;
}

/** Registers `namespace` with `retentionDays`, or brings an existing one's retention to it. */
export async function ensureNamespace(
  connection: Connection,
  namespace: string,
  retentionDays: number,
  log: ClusterSetupLog,
): Promise<'created' | 'updated' | 'unchanged'> {
  const retention = msToTs(retentionDays * DAY_MS);
  try {
    const described = await connection.workflowService.describeNamespace({ namespace });
    const current = Number(described.config?.workflowExecutionRetentionTtl?.seconds ?? 0);
    if (current === retentionDays * 86_400) return 'unchanged';
    await connection.workflowService.updateNamespace({ namespace, config: { workflowExecutionRetentionTtl: retention } });
    log.info({ namespace, retentionDays, previousDays: current / 86_400 }, 'namespace retention updated');
    return 'updated';
  } catch (err) {
    if (!isGrpcServiceError(err) || Number(err.code) !== status.NOT_FOUND) throw err;
  }
  try {
    await connection.workflowService.registerNamespace({
      namespace,
      workflowExecutionRetentionPeriod: retention,
      description: 'casework: after-sales service cases and complaints',
    });
  } catch (err) {
    // Another setup run got there first.
    if (!isGrpcServiceError(err) || Number(err.code) !== status.ALREADY_EXISTS) throw err;
  }
  log.info({ namespace, retentionDays }, 'namespace registered');
  return 'created';
}

/**
 * Adds casework's custom search attributes that `namespace` lacks. One that exists with
 * another type is an error (a query on it would mean something else). A namespace
 * registered a moment ago may not be known to every frontend yet: retried until `timeoutMs`.
 */
export async function ensureSearchAttributes(connection: Connection, namespace: string, log: ClusterSetupLog, timeoutMs = 60_000): Promise<string[]> {
  const wanted = new Map(SEARCH_ATTRIBUTE_KEYS.map((k) => [k.name, encodeSearchAttributeIndexedValueType(k.type)!]));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
      const existing = customAttributes ?? {};
      const missing: Record<string, number> = {};
      for (const [name, type] of wanted) {
        if (existing[name] === undefined) missing[name] = type;
        else if (existing[name] !== type)
          throw new Error(`search attribute ${name} exists in ${namespace} with another type (${existing[name]}, want ${type})`);
      }
      if (Object.keys(missing).length === 0) return [];
      await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: missing });
      log.info({ namespace, added: Object.keys(missing) }, 'search attributes registered');
      return Object.keys(missing);
    } catch (err) {
      const transient = isGrpcServiceError(err) && ([status.NOT_FOUND, status.UNAVAILABLE, status.DEADLINE_EXCEEDED] as number[]).includes(Number(err.code));
      if (!transient || Date.now() > deadline) throw err;
      log.warn({ namespace, err: err.message }, 'search attributes: namespace not ready yet, retrying');
      await new Promise((r) => setTimeout(r, 1_000));
    }
  }
}

/** Waits until the frontend answers (the server may still be starting), with a log line per try. */
export async function waitForTemporal(connect: () => Promise<Connection>, log: ClusterSetupLog, timeoutMs: number): Promise<Connection> {
  const deadline = Date.now() + timeoutMs;
  let delay = 500;
  for (;;) {
    try {
      const connection = await connect();
      await connection.workflowService.getSystemInfo({});
      return connection;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      log.warn({ err: (err as Error).message, retryInMs: delay }, 'Temporal not reachable yet; waiting');
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 10_000);
    }
  }
}
