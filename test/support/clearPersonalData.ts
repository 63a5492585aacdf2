// What Temporal holds about one workflow, read WITHOUT the payload codec (as Temporal's
// database, its UI without a codec server, or `temporal workflow show` see it), and a
// search of those bytes for a customer's personal data in every spelling.
import { Client, type Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

export interface Customer {
  name: string;
  phone: string;
  address: string;
}

/** The customer's data as byte needles: the phone as typed, in digits, without +86, grouped; name; address. */
export function needles(c: Customer): Buffer[] {
  const digits = c.phone.replace(/\D/g, '');
  const local = digits.startsWith('86') && digits.length === 13 ? digits.slice(2) : digits;
  const texts = [c.phone, digits, local, `${local.slice(0, 3)} ${local.slice(3, 7)} ${local.slice(7)}`, c.name, c.address];
  return [...new Set(texts)].map((t) => Buffer.from(t, 'utf8'));
}

/** Bytes of personal data found: each needle's length times its occurrences. */
export function clearBytes(haystack: Buffer, c: Customer): { bytes: number; found: string[] } {
  let bytes = 0;
  const found: string[] = [];
  for (const needle of needles(c)) {
    for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + 1)) {
      bytes += needle.length;
      found.push(needle.toString('utf8'));
    }
  }
  return { bytes, found };
}

/** A client with no codec, on purpose: it sees what Temporal stores. */
export function clientWithoutCodec(connection: Connection): Client {
  return new Client({ connection, dataConverter: {} });
}

/** History, describe, visibility listing and (while it runs) the UI's metadata query, as raw protobuf bytes. */
export async function storedBytes(plain: Client, workflowId: string, opts: { running: boolean }): Promise<Record<string, Buffer>> {
  const namespace = plain.options.namespace;
  const execution = { workflowId };
  const api = temporal.api.workflowservice.v1;
  const out: Record<string, Buffer> = {
    history: Buffer.from(temporal.api.history.v1.History.encode(await plain.workflow.getHandle(workflowId).fetchHistory()).finish()),
    describe: Buffer.from(
      api.DescribeWorkflowExecutionResponse.encode(await plain.workflowService.describeWorkflowExecution({ namespace, execution })).finish(),
    ),
    list: Buffer.from(
      api.ListWorkflowExecutionsResponse.encode(
        await plain.workflowService.listWorkflowExecutions({ namespace, query: `WorkflowId = '${workflowId}'` }),
      ).finish(),
    ),
  };
  if (opts.running) {
    const metadata = await plain.workflowService.queryWorkflow({ namespace, execution, query: { queryType: '__temporal_workflow_metadata' } });
    out.metadataQuery = Buffer.from(api.QueryWorkflowResponse.encode(metadata).finish());
  }
  return out;
}

/** Every payload anywhere in a history (inputs, results, update arguments, failures' details…). */
export function allPayloads(node: unknown, out: Array<{ metadata?: Record<string, Uint8Array> | null; data?: Uint8Array | null }> = []): typeof out {
  if (!node || typeof node !== 'object' || node instanceof Uint8Array) return out;
  if (Array.isArray(node)) {
    for (const item of node) allPayloads(item, out);
    return out;
  }
  const record = node as Record<string, unknown>;
  if (record.data instanceof Uint8Array && record.metadata && typeof record.metadata === 'object') out.push(record);
  for (const value of Object.values(record)) allPayloads(value, out);
  return out;
}
