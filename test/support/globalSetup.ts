// Starts the real stack exactly as `npm start` does (launcher in a child process), on
// free ports and a fresh data directory, and waits for its ready line.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDatabase } from '../../db/client';
import { embeddedDatabaseUrl } from '../../launcher/embeddedPostgres';
import { ensureKeyedEngineers } from './roster';
import { ALLOWED_WEBHOOK_HOST, API_KEY_SECRET, API_KEYS_SPEC, ARTIFACTS, LINK_SECRET, STACK_FILE, STACK_LIMITS_ENV, type StackInfo } from './stackInfo';
import { TEST_PAYLOAD_KEYS } from './payloadKeys';
import { freePort } from './freePort';

export { freePort };

export interface Launched {
  info: Omit<StackInfo, 'pid'>;
  child: ChildProcess;
  logFile: string;
  /** Sends a signal and resolves with the launcher's exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Runs launcher/start.ts (what `npm start` runs) and waits for its ready line. */
export async function launch(opts: {
  dataDir: string;
  logFile: string;
  taskQueue: string;
  ports?: { api: number; temporal: number; ui: number; pg: number };
  /**
   * Run `npm start` itself in a process group of its own, and stop it the way a terminal's
   * Ctrl-C does: the signal goes to the whole group (npm, tsx and the launcher at once).
   */
  viaNpmStart?: boolean;
  /** Overrides of the stack's environment (e.g. LOG_LEVEL). */
  env?: Record<string, string>;
}): Promise<Launched> {
  const root = path.resolve(__dirname, '..', '..');
  const ports = opts.ports ?? { api: await freePort(), temporal: await freePort(), ui: await freePort(), pg: await freePort() };
  // Only what this launch writes counts (a restart appends to the same log).
  const startOffset = fs.existsSync(opts.logFile) ? fs.statSync(opts.logFile).size : 0;
  const log = fs.openSync(opts.logFile, 'a');
  const [command, args] = opts.viaNpmStart ? ['npm', ['start', '--silent']] : [process.execPath, ['--import', 'tsx', path.join(root, 'launcher', 'start.ts')]];
  const child = spawn(command, args, {
    cwd: root,
    detached: opts.viaNpmStart === true,
    env: {
      ...process.env,
      DATA_DIR: opts.dataDir,
      PORT: String(ports.api),
      HOST: '127.0.0.1',
      TEMPORAL_PORT: String(ports.temporal),
      TEMPORAL_UI_PORT: String(ports.ui),
      EMBEDDED_PG_PORT: String(ports.pg),
      TASK_QUEUE: opts.taskQueue,
      API_KEYS: API_KEYS_SPEC,
      CUSTOMER_LINK_SECRET: LINK_SECRET,
      API_KEY_SECRET,
      PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
      LOG_LEVEL: 'warn',
      // What `npm start` asks for with --dev-outbox (the tests read /dev/outbox).
      DEV_OUTBOX: '1',
      WEBHOOK_ALLOWED_HOSTS: ALLOWED_WEBHOOK_HOST,
      TEMPORAL_ADDRESS: '',
      DATABASE_URL: '',
      ...STACK_LIMITS_ENV,
      ...opts.env,
    },
    // Output goes straight to a file so the launcher never writes to a closed pipe.
    stdio: ['ignore', log, log],
  });
  fs.closeSync(log);
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      exitCode = code;
      resolve(code);
    }),
  );
  const deadline = Date.now() + 180_000;
  let ready: { apiUrl: string; temporalAddress: string; temporalUiUrl?: string; databaseUrl: string; localGateways?: StackInfo['localGateways'] } | undefined;
  while (!ready) {
    const text = fs.readFileSync(opts.logFile).subarray(startOffset).toString('utf8');
    const m = /CASEWORK_READY (.*)\n/.exec(text);
    if (m?.[1]) ready = JSON.parse(m[1]);
    else if (exitCode !== undefined) throw new Error(`launcher exited with ${exitCode}; see ${opts.logFile}`);
    else if (Date.now() > deadline) throw new Error(`stack not ready in 180 s; see ${opts.logFile}`);
    else await new Promise((r) => setTimeout(r, 200));
  }
  // The ready line masks the database password: the embedded one is in DATA_DIR.
  const databaseUrl = opts.env?.DATABASE_URL || embeddedDatabaseUrl(opts.dataDir, ports.pg);
  return {
    info: { ...ready, databaseUrl, dataDir: opts.dataDir, taskQueue: opts.taskQueue },
    child,
    logFile: opts.logFile,
    async stop(signal = 'SIGTERM') {
      if (exitCode !== undefined) return exitCode;
      if (opts.viaNpmStart) process.kill(-child.pid!, signal);
      else child.kill(signal);
      return exited;
    },
  };
}

export default async function globalSetup(): Promise<void> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'casework-test-'));
  const logFile = path.join(ARTIFACTS, 'stack.log');
  fs.writeFileSync(logFile, '');
  const launched = await launch({ dataDir, logFile, taskQueue: 'casework-test' });
  const info: StackInfo = { ...launched.info, pid: launched.child.pid! };
  fs.writeFileSync(STACK_FILE, JSON.stringify(info, null, 2));
  launched.child.unref();
  // The engineers the test API keys act as.
  const db = createDatabase(info.databaseUrl, { max: 1 });
  try {
    await ensureKeyedEngineers(db);
  } finally {
    await db.$client.end();
  }
}
