// Upgrades never break an open case: every history committed under test/histories/ (real
// runs of every branch of every workflow type of that release, recorded at each
// release with `npm run histories:record -- <release>`) replays against the current
// workflow code. A change that would make a running workflow take another path without a
// patched() guard fails here, naming the history.
import type { WorkflowBundle } from '@temporalio/worker';
import { committedReleases, loadHistories, replayFailures, type CommittedHistory } from '../support/historyReplay';
import { bundleWorkflows } from '../support/workflowVariant';
import * as workflows from '../../workflows';

const releases = committedReleases();
/** Every workflow type the worker registers today. */
const WORKFLOW_TYPES = Object.keys(workflows).sort();
let bundle: WorkflowBundle;
let tracedBundle: WorkflowBundle;
beforeAll(async () => {
  bundle = await bundleWorkflows();
  tracedBundle = await bundleWorkflows(undefined, { traced: true });
}, 180_000);

test('at least one release of histories is committed', () => {
  expect(releases.length).toBeGreaterThan(0);
});

test('the newest release covers every workflow type registered today', () => {
  const newest = loadHistories(releases.at(-1)!);
  expect([...new Set(newest.map((h) => h.type))].sort()).toEqual(WORKFLOW_TYPES);
});

// The worker runs the traced bundle when tracing is on (worker/workflowBundle.ts): its
// interceptors add spans, never commands, whatever the path, so the newest release's
// longest history of each workflow type replays on it too (the whole release took 25 s).
test('the newest release replays on the traced bundle as well (its longest history of each type)', async () => {
  const release = releases.at(-1)!;
  const longest = new Map<string, CommittedHistory>();
  for (const h of loadHistories(release)) {
    const kept = longest.get(h.type);
    if (!kept || h.history.events.length > kept.history.events.length) longest.set(h.type, h);
  }
  expect([...longest.keys()].sort()).toEqual(WORKFLOW_TYPES);
  expect(await replayFailures(tracedBundle, [...longest.values()], `replay-traced-${release}`)).toEqual([]);
}, 300_000);

describe.each(releases)('histories of release %s', (release) => {
  const histories = loadHistories(release);

  test('cover at least the case, complaint and aftercare workflows (every type of the first release)', () => {
    expect([...new Set(histories.map((h) => h.type))]).toEqual(expect.arrayContaining(['aftercareWorkflow', 'caseWorkflow', 'complaintWorkflow']));
  });

  test('replay against the current workflow code', async () => {
    expect(await replayFailures(bundle, histories, `replay-${release}`)).toEqual([]);
  }, 300_000);
});
