// The integration suites that run in `npm run test:extended`, not in `npm test`: the
// longest ones (about 9 of `npm test`'s 21 minutes when they were in it), each the deep
// form of something the default suite also checks more briefly. README "Tests" gives
// what each costs. One list: jest.integration.config.js leaves them out,
// jest.extended.config.js runs only them.
module.exports = [
  // schemathesis over every operation, two roles, thousands of generated requests (~3 min).
  'test/e2e/openapiConformance.test.ts',
  // the short chaos profile: kills and outages of every process (~3 min).
  'test/chaos/chaos.test.ts',
  // npm run build, the prebuilt bundles replayed, the compiled API and worker (~1.5 min).
  'test/e2e/productionBuild.test.ts',
  // an unguarded workflow change fails replay, a guarded one does not (~1 min).
  'test/workflows/versioningDiscipline.test.ts',
];
