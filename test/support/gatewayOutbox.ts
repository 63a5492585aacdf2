// What the stack's local SMS/webhook receiver got, unmasked: the "provider's" side, for
// tests that follow a link a customer was sent. (GET /dev/outbox on the API masks it.)
import type { OutboxSnapshot } from '../../shared/devOutbox';
import { stackInfo } from './stackInfo';

export async function gatewayOutbox(): Promise<OutboxSnapshot> {
  const smsUrl = stackInfo().localGateways?.smsUrl;
  if (!smsUrl) throw new Error('the test stack runs no local SMS receiver');
  const res = await fetch(new URL('/outbox', smsUrl));
  return (await res.json()) as OutboxSnapshot;
}
