import fs from 'node:fs';
import path from 'node:path';

export const ARTIFACTS = path.resolve(__dirname, '..', '..', 'test-artifacts');
export const STACK_FILE = path.join(ARTIFACTS, 'stack.json');

export interface StackInfo {
  pid: number;
  apiUrl: string;
  temporalAddress: string;
  temporalUiUrl?: string;
  databaseUrl: string;
  dataDir: string;
  taskQueue: string;
  /** The launcher's local notification gateways (SMTP capture, SMS/webhook receiver). */
  localGateways?: { smtpUrl?: string; smsUrl?: string; webhookUrl: string };
}

/** API keys the test stack is started with (API_KEYS). */
export const KEYS = {
  agent: 'test-agent-key',
  dispatcher: 'test-dispatcher-key',
  supervisor: 'test-supervisor-key',
  ops: 'test-ops-key',
  admin: 'test-admin-key',
  engineerE001: 'test-engineer-e001-key',
  engineerE002: 'test-engineer-e002-key',
} as const;

export const API_KEYS_SPEC = [
  `agent=${KEYS.agent}`,
  `dispatcher=${KEYS.dispatcher}`,
  `supervisor=${KEYS.supervisor}`,
  `ops=${KEYS.ops}`,
  `admin=${KEYS.admin}`,
  `engineer:E001=${KEYS.engineerE001}`,
  `engineer:E002=${KEYS.engineerE002}`,
].join(',');

export function stackInfo(): StackInfo {
  return JSON.parse(fs.readFileSync(STACK_FILE, 'utf8')) as StackInfo;
}

/**
 * Limits of the test stack and of every API sharing its database (rate-limit counters
 * are shared by all APIs on one database, as replicas share them). Every test file calls
 * at once from one address with a few keys (and rolesByRoute sends a revoked key to every
 * route): high enough never to refuse them, still counted in PostgreSQL. limits.test.ts
 * tests the limits on API instances of its own with small ones.
 */
export const STACK_LIMITS_ENV = {
  RATE_LIMIT_KEY_POINTS: '1000000',
  RATE_LIMIT_ADDRESS_POINTS: '1000000',
  AUTH_FAILURE_LIMIT: '1000000',
  API_MAX_IN_FLIGHT: '1000',
  // A busy CI machine runs late now and then; the shedding has its own test.
  API_MAX_EVENT_LOOP_DELAY_MS: '0',
};

/** CUSTOMER_LINK_SECRET of the test stack: lets tests forge and expire links on purpose. */
export const LINK_SECRET = 'test-customer-link-secret-0123456789';

/** API_KEY_SECRET of the test stack: lets tests write api_keys rows as the admin routes do. */
export const API_KEY_SECRET = 'test-api-key-secret-0123456789-abcdefghij';

/**
 * WEBHOOK_ALLOWED_HOSTS of the test stack: a loopback address of the tests' own webhook
 * subscribers (startHttpReceiver(ALLOWED_WEBHOOK_HOST)); 127.0.0.1 stays refused.
 */
export const ALLOWED_WEBHOOK_HOST = '127.0.0.2';
