// A worker process as `npm run worker` runs it (worker/main.ts under tsx), against the
// test stack's Temporal and PostgreSQL on a task queue of the test's own: for tests that
// kill a worker (SIGKILL) and start another.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { stackInfo } from './stackInfo';
import { TEST_PAYLOAD_KEYS } from './payloadKeys';

const root = path.resolve(__dirname, '..', '..');

export interface WorkerProcess {
  child: ChildProcess;
  /** Resolves on the worker's 'worker running' line; rejects if it exits before. */
  ready: Promise<void>;
  /** Resolves with the exit code (or signal) once the process has exited. */
  exited: Promise<number | string | null>;
  /** Sends `signal` (unless already exited) and waits for the exit. */
  stop(signal: NodeJS.Signals): Promise<number | string | null>;
}

const running = new Set<WorkerProcess>();

/**
 * Spawns one worker; its stdout and stderr are appended to `logFile`. `env` adds to (or
 * overrides) the worker's environment, e.g. notification gateway URLs.
 */
export function startWorkerProcess(opts: { taskQueue: string; logFile: string; env?: Record<string, string> }): WorkerProcess {
  const info = stackInfo();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'worker', 'main.ts')], {
    cwd: root,
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: info.temporalAddress,
      DATABASE_URL: info.databaseUrl,
      TASK_QUEUE: opts.taskQueue,
      PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
      LOG_LEVEL: 'info',
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = fs.createWriteStream(opts.logFile, { flags: 'a' });
  child.stderr.pipe(out);
  const exited = new Promise<number | string | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  const ready = new Promise<void>((resolve, reject) => {
    let seen = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out.write(chunk);
      // Keep a tail so a line split across chunks is still found.
      seen = (seen + chunk.toString()).slice(-4096);
      if (seen.includes('worker running')) resolve();
    });
    void exited.then((code) => reject(new Error(`worker exited with ${code}; see ${opts.logFile}`)));
  });
  ready.catch(() => undefined);
  const worker: WorkerProcess = {
    child,
    ready,
    exited,
    async stop(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
  running.add(worker);
  void exited.then(() => running.delete(worker));
  return worker;
}

/** For afterAll: kills (SIGKILL) every worker this file started that still runs, so a failed test leaves none behind. */
export async function killWorkerProcesses(): Promise<void> {
  await Promise.all([...running].map((w) => w.stop('SIGKILL')));
}
