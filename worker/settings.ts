// What a case worker takes from the environment. `npm run worker` (worker/main.ts) and
// `npm start`'s embedded worker (launcher/stack.ts) both read it here, so they run with
// the same settings (the standalone worker used to ignore TIME_ZONE).
import { customerLinkConfig, temporalSecurity, type Env } from '../config/env';
import { requirePayloadKeys } from '../config/payloadKeys';
import type { PayloadKeyring } from '../shared/payloadKeys';
import { gatewayConfigFromEnv, type GatewayConfig } from '../activities/gateways';
import type { CaseWorkerOptions } from './createWorker';
import { maxCachedWorkflows } from './workflowCache';

export type CaseWorkerSettings = Required<
  Pick<CaseWorkerOptions, 'namespace' | 'taskQueue' | 'timeZone' | 'gatewayConfig' | 'customerLinks' | 'payloadKeys' | 'security' | 'maxCachedWorkflows'>
>;

/**
 * `local` is what `npm start` adds for what the environment leaves unset: its local
 * gateways' URLs, the customer-link secret and the payload keys it keeps in DATA_DIR.
 * Without payload keys from either, the worker refuses to start (ConfigError).
 */
export function caseWorkerSettings(
  env: Env,
  local: { gatewayConfig?: GatewayConfig; customerLinkSecret?: string; payloadKeys?: PayloadKeyring } = {},
): CaseWorkerSettings {
  const linkSecret = env.CUSTOMER_LINK_SECRET ?? local.customerLinkSecret;
  return {
    namespace: env.TEMPORAL_NAMESPACE,
    taskQueue: env.TASK_QUEUE,
    timeZone: env.TIME_ZONE,
    gatewayConfig: local.gatewayConfig ?? gatewayConfigFromEnv(env),
    // No secret: messages carry no link (the customer hears an agent will call).
    customerLinks: linkSecret ? customerLinkConfig(env, linkSecret) : null,
    payloadKeys: local.payloadKeys ?? requirePayloadKeys(env),
    security: temporalSecurity(env),
    maxCachedWorkflows: maxCachedWorkflows(env.WORKER_MAX_CACHED_WORKFLOWS),
  };
}
