// Records real workflow histories for the replay test (test/histories/<release>/): with
// RECORD_HISTORIES=<release>, every workflow a time-skipping test opened is fetched when
// the test ends — as the test left it, running or closed, with the child workflows it
// started — and written as gzipped binary protobuf. `npm run histories:record -- <release>` runs the
// workflow tests that way; the files are committed at each release.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { WorkflowClient } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

export const HISTORIES_DIR = path.resolve(__dirname, '..', 'histories');

const release = () => process.env.RECORD_HISTORIES;

function slug(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[^\w]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .toLowerCase()
    .slice(0, 80);
}

/** The workflow ids of the children a history started. */
function childIds(history: Awaited<ReturnType<ReturnType<WorkflowClient['getHandle']>['fetchHistory']>>): string[] {
  return (history.events ?? []).flatMap((e) => {
    const id = e.childWorkflowExecutionStartedEventAttributes?.workflowExecution?.workflowId;
    return id ? [id] : [];
  });
}

export async function recordHistories(client: WorkflowClient, workflowIds: string[]): Promise<void> {
  const name = release();
  if (!name || workflowIds.length === 0) return;
  const test = slug(expect.getState().currentTestName ?? 'unnamed');
  const dir = path.join(HISTORIES_DIR, name);
  fs.mkdirSync(dir, { recursive: true });
  const seen = new Set<string>();
  const queue = [...workflowIds];
  for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
    if (seen.has(id)) continue;
    seen.add(id);
    const history = await client.getHandle(id).fetchHistory();
    queue.push(...childIds(history));
    // The workflow type in the name: the replay test reports per type and branch.
    const type = history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name ?? 'workflow';
    // Gzipped binary protobuf: exact, compact, and free of JSON-codec version skew between packages.
    fs.writeFileSync(path.join(dir, `${type}--${test}--${slug(id)}.binpb.gz`), zlib.gzipSync(temporal.api.history.v1.History.encode(history).finish()));
  }
}
