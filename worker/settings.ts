// What a case worker takes from the environment. `npm run worker` (worker/main.ts) and
// `npm start`'s embedded worker (launcher/stack.ts) both read it here, so they run with
// the same settings (the standalone worker used to ignore TIME_ZONE).
import { customerLinkConfig, type Env } from '../config/env';
import { gatewayConfigFromEnv, type GatewayConfig } from '../activities/gateways';
import type { CaseWorkerOptions } from './createWorker';

export type CaseWorkerSettings = Required<Pick<CaseWorkerOptions, 'namespace' | 'taskQueue' | 'timeZone' | 'gatewayConfig' | 'customerLinks'>>;

/**
 * `local` is what `npm start` adds for what the environment leaves unset: its local
 * gateways' URLs and the customer-link secret it keeps in DATA_DIR.
 */
export function caseWorkerSettings(env: Env, local: { gatewayConfig?: GatewayConfig; customerLinkSecret?: string } = {}): CaseWorkerSettings {
  const linkSecret = env.CUSTOMER_LINK_SECRET ?? local.customerLinkSecret;
  return {
    namespace: env.TEMPORAL_NAMESPACE,
    taskQueue: env.TASK_QUEUE,
    timeZone: env.TIME_ZONE,
    gatewayConfig: local.gatewayConfig ?? gatewayConfigFromEnv(env),
    // No secret: messages carry no link (the customer hears an agent will call).
    customerLinks: linkSecret ? customerLinkConfig(env, linkSecret) : null,
  };
}
