// The short fault-injection run (`CHAOS_PROFILE=short npm run chaos`) in `npm run test:extended`:
// 6 cases per scenario through a SIGKILLed worker, Temporal dev server and API, PostgreSQL
// stopped -m fast and -m immediate, worker and API booting while both are down, the
// SMS/SMTP gateways unreachable, and PostgreSQL killed under the `npm start` launcher. It runs as its own process (it starts its own
// servers, outside jest's module system); the per-scenario table is in its output and in
// test-artifacts/chaos/.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { violations, type ScenarioResult } from './harness/report';

const ROOT = path.resolve(__dirname, '..', '..');

test('short chaos run: nothing lost, nothing duplicated, no 500, no unanswered request, no bystander died', async () => {
  const out = path.join(ROOT, 'test-artifacts', 'chaos-short.out');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const fd = fs.openSync(out, 'w');
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts', 'chaos.ts')], {
    cwd: ROOT,
    env: { ...process.env, CHAOS_PROFILE: 'short' },
    stdio: ['ignore', fd, fd],
  });
  fs.closeSync(fd);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  const text = fs.readFileSync(out, 'utf8');
  const line = /CHAOS_RESULT (.*)\n/.exec(text);
  if (!line?.[1]) throw new Error(`chaos run ended (${code}) without a result; see ${out}:\n${text.slice(-3000)}`);
  const results = JSON.parse(line[1]) as ScenarioResult[];
  // The table, for the CI log.
  console.log(text.slice(text.indexOf('casework chaos'), text.indexOf('CHAOS_RESULT')));
  expect(results.map((r) => r.scenario)).toHaveLength(8);
  expect(results.map((r) => [r.scenario, violations(r), r.details])).toEqual(results.map((r) => [r.scenario, [], []]));
  expect(code).toBe(0);
}, 480_000);
