// The committed histories (test/histories/<release>/*.binpb.gz) and their replay against a
// workflow bundle: the failures, one line per history that no longer replays.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { temporal } from '@temporalio/proto';
import { Worker, type WorkflowBundleOption } from '@temporalio/worker';
import { HISTORIES_DIR } from './historyRecorder';
import { testDataConverter } from './payloadKeys';
import { workflowSpanSinks } from '../../worker/observability';

export interface CommittedHistory {
  /** The file name: <workflow type>--<test>--<workflow id>.binpb.gz */
  name: string;
  type: string;
  history: temporal.api.history.v1.History;
}

export function committedReleases(): string[] {
  if (!fs.existsSync(HISTORIES_DIR)) return [];
  return fs
    .readdirSync(HISTORIES_DIR)
    .filter((d) => fs.statSync(path.join(HISTORIES_DIR, d)).isDirectory())
    .sort();
}

export function loadHistories(release: string): CommittedHistory[] {
  const dir = path.join(HISTORIES_DIR, release);
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.binpb.gz'))
    .sort()
    .map((name) => ({
      name,
      type: name.split('--')[0]!,
      history: temporal.api.history.v1.History.decode(zlib.gunzipSync(fs.readFileSync(path.join(dir, name)))),
    }));
}

export async function replayFailures(bundle: WorkflowBundleOption, histories: CommittedHistory[], replayName: string): Promise<string[]> {
  const failures: string[] = [];
  const input = histories.map((h) => ({ workflowId: h.name, history: h.history }));
  for await (const result of Worker.runReplayHistories(
    { workflowBundle: bundle, replayName, dataConverter: testDataConverter(), sinks: workflowSpanSinks() },
    input,
  )) {
    if (result.error) failures.push(`${result.workflowId}: ${result.error.message.split('\n')[0]}`);
  }
  return failures;
}
