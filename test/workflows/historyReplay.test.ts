// Upgrades never break an open case: every history committed under test/histories/ (real
// runs of every branch of the case, complaint and aftercare workflows, recorded at each
// release with `npm run histories:record -- <release>`) replays against the current
// workflow code. A change that would make a running workflow take another path without a
// patched() guard fails here, naming the history.
import type { WorkflowBundle } from '@temporalio/worker';
import { committedReleases, loadHistories, replayFailures } from '../support/historyReplay';
import { bundleWorkflows } from '../support/workflowVariant';

const releases = committedReleases();
let bundle: WorkflowBundle;
beforeAll(async () => {
  bundle = await bundleWorkflows();
}, 120_000);

test('at least one release of histories is committed', () => {
  expect(releases.length).toBeGreaterThan(0);
});

describe.each(releases)('histories of release %s', (release) => {
  const histories = loadHistories(release);

  test('cover the case, complaint and aftercare workflows', () => {
    expect([...new Set(histories.map((h) => h.type))].sort()).toEqual(['aftercareWorkflow', 'caseWorkflow', 'complaintWorkflow']);
  });

  test('replay against the current workflow code', async () => {
    expect(await replayFailures(bundle, histories, `replay-${release}`)).toEqual([]);
  }, 300_000);
});
