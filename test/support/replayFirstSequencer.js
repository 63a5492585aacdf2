// Jest's own order (failed first, then slowest first from its cache, else largest file
// first), except that the history replay runs first of all. `npm test` runs every suite
// in one process (--runInBand), whose heap grows suite after suite: late in a run on a
// fresh clone (no timing cache: the replay is a small file, so it came 92nd of 102), the
// replay of five releases, itself some 850 MB of heap, took 467-520 s instead of 94 s.
const Sequencer = require('@jest/test-sequencer').default;

const FIRST = ['/test/workflows/historyReplay.test.ts'];

class ReplayFirstSequencer extends Sequencer {
  async sort(tests) {
    const sorted = await super.sort(tests);
    const first = (t) => FIRST.some((suffix) => t.path.endsWith(suffix));
    return [...sorted.filter(first), ...sorted.filter((t) => !first(t))];
  }
}

module.exports = ReplayFirstSequencer;
