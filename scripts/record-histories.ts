// `npm run histories:record -- <release>`: runs the workflow tests (time-skipping server,
// real activities) with RECORD_HISTORIES=<release>, so every workflow they open is saved
// to test/histories/<release>/ for the replay test. Run it when a release is cut and
// commit the files; never re-record an existing release (its histories are what running
// workflows of that release look like).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const release = process.argv[2];
if (!release || !/^[\w.-]+$/.test(release)) {
  console.error('usage: npm run histories:record -- <release>   (e.g. 2026.12.1)');
  process.exit(2);
}
const dir = path.resolve(__dirname, '..', 'test', 'histories', release);
if (fs.existsSync(dir) && !process.argv.includes('--force')) {
  console.error(`${dir} exists: a release's histories are never re-recorded (--force to replace them)`);
  process.exit(2);
}
fs.rmSync(dir, { recursive: true, force: true });
const run = spawnSync(
  'npx',
  ['jest', '-c', 'jest.integration.config.js', '--runInBand', 'test/workflows', '--testPathIgnorePatterns', 'historyReplay|versioningDiscipline'],
  {
    stdio: 'inherit',
    env: { ...process.env, RECORD_HISTORIES: release },
  },
);
const files = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
const byType = new Map<string, number>();
for (const f of files) byType.set(f.split('--')[0]!, (byType.get(f.split('--')[0]!) ?? 0) + 1);
console.log(`recorded ${files.length} histories in ${path.relative(process.cwd(), dir)}: ${[...byType].map(([t, n]) => `${t} ${n}`).join(', ')}`);
process.exit(run.status ?? 1);
