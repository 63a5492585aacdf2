// The README's curl walk-through, run as written against `npm start` with no API_KEYS:
// the demo keys it prints, the demo organisation it loads, `npm run seed:engineers`, and
// every curl of the block in order. Only the block's own `npm start &` line is left out
// (this test started the stack the same way). It must work on any day at any hour: the
// engineers it follows are the demo's on-call engineers.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, launch, type Launched } from '../support/globalSetup';
import { ARTIFACTS } from '../support/stackInfo';

const README = path.resolve(__dirname, '..', '..', 'README.md');
let stack: Launched | undefined;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'casework-walkthrough-'));
afterAll(async () => {
  await stack?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** The bash block under "## Walk a case through with curl". */
function walkThrough(): string {
  const text = fs.readFileSync(README, 'utf8');
  const section = text.slice(text.indexOf('## Walk a case through with curl'));
  const block = /```bash\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error('no bash block in the walk-through section');
  return block;
}

function runBash(script: string, env: Record<string, string>, logFile: string): Promise<number | null> {
  return new Promise((resolve) => {
    const log = fs.openSync(logFile, 'w');
    const child = spawn('bash', ['-c', script], { cwd: path.dirname(README), env: { ...process.env, ...env }, stdio: ['ignore', log, log] });
    const timer = setTimeout(() => child.kill('SIGKILL'), 240_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      fs.closeSync(log);
      resolve(code);
    });
  });
}

test('the README walk-through works as written with the keys npm start prints', async () => {
  const ports = { api: await freePort(), temporal: await freePort(), ui: await freePort(), pg: await freePort() };
  const logFile = path.join(ARTIFACTS, 'walkthrough-stack.log');
  fs.writeFileSync(logFile, '');
  stack = await launch({ dataDir, logFile, taskQueue: 'casework-walkthrough', ports, viaNpmStart: true, env: { API_KEYS: '' } });

  // npm start printed a key for each demo person, the same ones demo-keys.env exports.
  const printed = fs.readFileSync(logFile, 'utf8');
  const exported = fs.readFileSync(path.join(dataDir, 'demo-keys.env'), 'utf8');
  const keys = Object.fromEntries([...exported.matchAll(/^export (\w+)=(\S+)$/gm)].map((m) => [m[1]!, m[2]!]));
  expect(Object.keys(keys)).toEqual(['AGENT_KEY', 'DISPATCHER_KEY', 'SUPERVISOR_KEY', 'OPS_KEY', 'ADMIN_KEY', 'ENG_E011_KEY', 'ENG_E006_KEY']);
  for (const [name, key] of Object.entries(keys)) expect(printed).toMatch(new RegExp(`${name}\\s+${key}\\s`));

  const script = walkThrough();
  expect(script).toMatch(/^npm start &/m);
  const scriptLog = path.join(ARTIFACTS, 'walkthrough.log');
  const code = await runBash(
    script.replace(/^npm start &.*$/m, ''),
    { API: stack.info.apiUrl, DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(ports.pg), DATABASE_URL: '' },
    scriptLog,
  );
  const output = fs.readFileSync(scriptLog, 'utf8');
  expect({ code, tail: output.slice(-2000) }).toMatchObject({ code: 0 });

  // The case the block opened went the whole way, E006 fixed it, and the timeline names
  // the demo people behind the moves.
  const caseNo = /"caseNo":"(CS-\d{8}-\d{6})"/.exec(output)?.[1];
  expect(caseNo).toBeDefined();
  const res = await fetch(`${stack.info.apiUrl}/cases/${caseNo}`, { headers: { authorization: `Bearer ${keys.SUPERVISOR_KEY}` } });
  const body = (await res.json()) as {
    case: { stage: string; priority: string; engineer: { id: string } };
    timeline: Array<{ type: string; actor?: { personId?: string } }>;
  };
  expect(body.case).toMatchObject({ stage: 'archived', priority: 'P1', engineer: { id: 'E006' } });
  const actors = (type: string) => body.timeline.filter((e) => e.type === type).map((e) => e.actor?.personId);
  expect(actors('case.opened')).toEqual(['P-PD-AGENT']);
  expect(actors('offer.declined')).toEqual(['P-E011']);
  expect(actors('offer.accepted')).toEqual(['P-E006']);
  expect(output).toMatch(/Loaded 36 engineers/);
}, 420_000);
