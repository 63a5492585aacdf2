// The embedded default keeps its data: a case opened before a restart is still there,
// still open, and moves on after it. Stopping leaves no server process behind.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { futureSlot, intakeInput } from '../support/fixtures';
import { freePort, launch, type Launched } from '../support/globalSetup';
import { call, eventually, waitForStage } from '../support/http';
import { ARTIFACTS } from '../support/stackInfo';

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** The ports still listening once every one is closed or 60 s have passed. */
async function serversLeft(ports: number[]): Promise<number[]> {
  const open = async () => (await Promise.all(ports.map(async (port) => ((await listening(port)) ? port : 0)))).filter((p) => p > 0);
  return eventually('every server stopped', async () => ((await open()).length === 0 ? [] : undefined), 60_000).catch(open);
}

let current: Launched | undefined;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'casework-restart-'));
afterAll(async () => {
  await current?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test('cases survive a restart of npm start, and stopping leaves no servers running', async () => {
  const ports = { api: await freePort(), temporal: await freePort(), ui: await freePort(), pg: await freePort() };
  const logFile = path.join(ARTIFACTS, 'restart.log');
  fs.writeFileSync(logFile, '');
  // Started and stopped exactly as a user does: `npm start`, then Ctrl-C in the terminal.
  current = await launch({ dataDir, logFile, taskQueue: 'casework-restart', ports, viaNpmStart: true });
  const base = current.info.apiUrl;
  const { body } = await call('POST', '/cases', { base, body: intakeInput(), headers: { 'idempotency-key': `restart-${Date.now()}` } });
  const caseNo = body.case.caseNo;
  const roster = { id: 'E001', name: '李工', badgeNo: 'B-E001', skills: [], regions: ['QA-HOLD'] };
  expect((await call('POST', '/engineers', { base, as: 'admin', body: roster })).status).toBe(201);
  await waitForStage(caseNo, 'manual_dispatch', { base });
  expect((await call('POST', `/cases/${caseNo}/assign`, { base, as: 'dispatcher', body: { engineerId: 'E001' } })).status).toBe(200);
  const contact = { confirmedAddress: '世纪大道100号', diagnosis: '待查' };
  expect((await call('POST', `/cases/${caseNo}/contact`, { base, as: 'engineerE001', body: contact })).status).toBe(200);

  // The local SMTP capture and SMS/webhook receiver are stopped too.
  const local = current.info.localGateways!;
  const localPorts = [local.smtpUrl!, local.smsUrl!].map((u) => Number(new URL(u).port));
  expect(await listening(localPorts[0]!)).toBe(true);
  // npm itself dies of the SIGINT (exit by signal); the launcher goes on stopping the
  // servers it started, and then nothing listens any more.
  await current.stop('SIGINT');
  expect(await serversLeft([...Object.values(ports), ...localPorts])).toEqual([]);

  current = await launch({ dataDir, logFile, taskQueue: 'casework-restart', ports, viaNpmStart: true });
  const after = await call('GET', `/cases/${caseNo}`, { base });
  expect(after.status).toBe(200);
  expect(after.body.case.stage).toBe('contacted');
  expect(after.body.live).toMatchObject({ stage: 'contacted', engineerId: 'E001' });
  const booked = await call('POST', `/cases/${caseNo}/appointment`, { base, as: 'engineerE001', body: futureSlot() });
  expect(booked.status).toBe(200);
  expect(booked.body.case.stage).toBe('scheduled');

  // A second stack on the same ports stops at once with a clear message, instead of
  // reporting ready against the first one's servers.
  const otherDir = fs.mkdtempSync(path.join(os.tmpdir(), 'casework-second-'));
  const secondLog = path.join(ARTIFACTS, 'restart-second.log');
  try {
    await expect(launch({ dataDir: otherDir, logFile: secondLog, taskQueue: 'casework-second', ports })).rejects.toThrow(/exited/);
    expect(fs.readFileSync(secondLog, 'utf8')).toMatch(/port \d+ \(TEMPORAL_PORT\) is in use/);
    expect((await call('GET', '/health', { base, as: null })).status).toBe(200);
  } finally {
    fs.rmSync(otherDir, { recursive: true, force: true });
  }

  // A process manager that signals only the Node process `npm start` runs (tsx), not the
  // whole group: tsx relays it to the launcher, which still stops every server it started.
  const tsx = descendants(current.child.pid!).find((p) => /node_modules\/\.bin\/tsx launcher\/start\.ts/.test(p.args));
  expect(tsx).toBeDefined();
  process.kill(tsx!.pid, 'SIGTERM');
  expect(await serversLeft([...Object.values(ports), ...localPorts])).toEqual([]);
});

/** Processes below `root` (pid and command line), from ps. */
function descendants(root: number): Array<{ pid: number; args: string }> {
  const rows = execFileSync('ps', ['-e', '-o', 'pid=,ppid=,args='], { encoding: 'utf8' })
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), args: m[3]! }));
  const found: Array<{ pid: number; args: string }> = [];
  const walk = (pid: number) => {
    for (const r of rows.filter((x) => x.ppid === pid)) {
      found.push({ pid: r.pid, args: r.args });
      walk(r.pid);
    }
  };
  walk(root);
  return found;
}
