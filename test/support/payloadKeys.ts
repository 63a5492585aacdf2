// The payload keys of every test: the stack the tests start (PAYLOAD_KEYS), the processes
// they spawn, the time-skipping tests' clients and workers, and the replay of recorded
// histories (a release recorded with these keys replays with them). Test data only,
// like LINK_SECRET: never a deployment's key.
import type { Connection } from '@temporalio/client';
import { parsePayloadKeys } from '../../shared/payloadKeys';
import { caseDataConverter, temporalClient } from '../../shared/temporalData';

export const TEST_PAYLOAD_KEYS = 'test-2026b:' + Buffer.alloc(32, 'casework-test-payload-key-2026-b').toString('base64') + ',test-2026a:' + Buffer.alloc(32, 'casework-test-payload-key-2026-a').toString('base64');

export const testPayloadKeys = parsePayloadKeys(TEST_PAYLOAD_KEYS);
export const testDataConverter = () => caseDataConverter(testPayloadKeys);
export const testClient = (connection: Connection, namespace?: string) => temporalClient(connection, testPayloadKeys, namespace);
