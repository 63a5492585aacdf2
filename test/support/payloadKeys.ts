// The payload keys of every test: the stack the tests start (PAYLOAD_KEYS), the processes
// they spawn, the time-skipping tests' clients and workers, and the replay of recorded
// histories (a release recorded with these keys replays with them). Test data only,
// like LINK_SECRET: never a deployment's key.
import type { Connection } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { parsePayloadKeys } from '../../shared/payloadKeys';
import { caseDataConverter, casePayloadCodec, temporalClient } from '../../shared/temporalData';

export const TEST_PAYLOAD_KEYS =
  'test-2026b:' +
  Buffer.alloc(32, 'casework-test-payload-key-2026-b').toString('base64') +
  ',test-2026a:' +
  Buffer.alloc(32, 'casework-test-payload-key-2026-a').toString('base64');

export const testPayloadKeys = parsePayloadKeys(TEST_PAYLOAD_KEYS);
export const testDataConverter = () => caseDataConverter(testPayloadKeys);
export const testClient = (connection: Connection, namespace?: string) => temporalClient(connection, testPayloadKeys, namespace);

/** A payload as stored in a history (encrypted), read back as a value with the test keys. */
export async function decodeStoredPayload<T = unknown>(payload: Payload): Promise<T> {
  const [clear] = await casePayloadCodec(testPayloadKeys).decode([payload]);
  return defaultPayloadConverter.fromPayload<T>(clear!);
}
