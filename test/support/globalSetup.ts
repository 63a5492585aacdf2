// Starts the real stack exactly as `npm start` does (launcher in a child process), on
// free ports and a fresh data directory, and waits for its ready line.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { API_KEYS_SPEC, ARTIFACTS, STACK_FILE, type StackInfo } from './stackInfo';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export default async function globalSetup(): Promise<void> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const root = path.resolve(__dirname, '..', '..');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'casework-test-'));
  const [port, temporalPort, uiPort, pgPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const taskQueue = 'casework-test';
  const logFile = path.join(ARTIFACTS, 'stack.log');
  const log = fs.openSync(logFile, 'w');
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'launcher', 'start.ts')], {
    cwd: root,
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      TEMPORAL_PORT: String(temporalPort),
      TEMPORAL_UI_PORT: String(uiPort),
      EMBEDDED_PG_PORT: String(pgPort),
      TASK_QUEUE: taskQueue,
      API_KEYS: API_KEYS_SPEC,
      LOG_LEVEL: 'warn',
      TEMPORAL_ADDRESS: '',
      DATABASE_URL: '',
    },
    // Output goes straight to a file so the launcher never writes to a closed pipe.
    stdio: ['ignore', log, log],
    detached: false,
  });
  let exitCode: number | null | undefined;
  child.on('exit', (code) => (exitCode = code));
  const deadline = Date.now() + 180_000;
  let ready: Omit<StackInfo, 'pid' | 'dataDir' | 'taskQueue'> | undefined;
  while (!ready) {
    const m = /CASEWORK_READY (.*)\n/.exec(fs.readFileSync(logFile, 'utf8'));
    if (m?.[1]) ready = JSON.parse(m[1]);
    else if (exitCode !== undefined) throw new Error(`launcher exited with ${exitCode}; see ${logFile}`);
    else if (Date.now() > deadline) throw new Error(`stack not ready in 180 s; see ${logFile}`);
    else await new Promise((r) => setTimeout(r, 200));
  }
  const info: StackInfo = { ...ready, pid: child.pid!, dataDir, taskQueue };
  fs.writeFileSync(STACK_FILE, JSON.stringify(info, null, 2));
  child.unref();
}
