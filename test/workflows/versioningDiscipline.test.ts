// The replay of committed histories is what guards running cases: a deliberate change to
// the dispatch loop (a pause at the start of every round) breaks the replay of the
// release's case histories when it is made without a guard, and replays cleanly behind
// patched() — the discipline the README's "Changing workflow code" section asks for.
import { committedReleases, loadHistories, replayFailures } from '../support/historyReplay';
import { bundleWorkflows, dispatchPause } from '../support/workflowVariant';

const release = committedReleases().at(-1)!;
const cases = () => loadHistories(release).filter((h) => h.type === 'caseWorkflow');

test('an unguarded change to the dispatch loop fails the replay of running cases', async () => {
  const histories = cases();
  const failures = await replayFailures(await bundleWorkflows(dispatchPause(false)), histories, 'unguarded');
  // Every case history that reached its first dispatch round no longer replays.
  expect(failures.length).toBeGreaterThan(histories.length / 2);
  expect(failures.join('\n')).toMatch(/nondetermin/i);
}, 300_000);

test('the same change behind patched() replays every history', async () => {
  expect(await replayFailures(await bundleWorkflows(dispatchPause(true)), cases(), 'guarded')).toEqual([]);
}, 300_000);
