// What `npm run bench` measures against: by default its own embedded stack (the launcher
// in a child process, as the tests' global setup starts it: Temporal dev server,
// PostgreSQL, worker+API); with TEMPORAL_ADDRESS / DATABASE_URL set, the launcher runs
// worker+API against those (the production topology). The L1 worker runs beside it.
// CPU is read from /proc/<pid>/stat for each process group.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { eq } from 'drizzle-orm';
import { createDatabase } from '../../db/client';
import { upsertEngineer } from '../../db/queries/engineers';
import { engineerBookings, engineerLoad } from '../../db/schema';
import { EngineerInputSchema } from '../../domain/schemas';
import { embeddedDatabaseUrl } from '../../launcher/embeddedPostgres';
import { newPayloadKeySpec } from '../../shared/payloadKeys';
import { freePort } from '../cluster/freePort';
import { startRealTemporal, type RealTemporal } from '../cluster/realTemporal';
import { ensureNamespace, ensureSearchAttributes } from '../temporalClusterSetup';
import { API_KEYS_SPEC } from './keys';

export interface BenchStack {
  apiUrl: string;
  temporalAddress: string;
  databaseUrl: string;
  payloadKeys: string;
  bareQueue: string;
  /** pids per process group whose CPU is counted (those this machine can see). */
  groups(): Record<string, number[]>;
  workerPid: number;
  stop(): Promise<void>;
}

const TICK = 100; // USER_HZ on Linux

function children(pid: number): number[] {
  try {
    return fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function comm(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

function tree(pid: number): number[] {
  return [pid, ...children(pid).flatMap(tree)];
}

/** CPU-seconds of a process and its reaped children (a postmaster's exited backends). */
export function cpuSeconds(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
    } catch {
      // gone since it was listed
    }
  }
  return ticks / TICK;
}

export function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0) / 1024;
}

function startBareWorker(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'bareWorker.ts')], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (b: Buffer) => {
      if (b.toString().includes('BARE_WORKER_READY')) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`bare worker exited with ${code}`)));
  });
}

interface Launched {
  child: ChildProcess;
  apiUrl: string;
  temporalAddress: string;
  databaseUrl: string;
}

/** `npm start` in a child process (launcher/start.ts) on free ports; ready at its CASEWORK_READY line. */
async function launch(dataDir: string, env: Record<string, string>): Promise<Launched> {
  const root = path.resolve(__dirname, '..', '..');
  const ports = { api: await freePort(), temporal: await freePort(), ui: await freePort(), pg: await freePort() };
  const logFile = path.join(dataDir, 'stack.log');
  const log = fs.openSync(logFile, 'a');
  // BENCH_CPU_PROFILE=<dir>: a V8 CPU profile of the worker+API process, written when it
  // exits (scripts/bench/profileSummary.ts reads it).
  const profile = process.env.BENCH_CPU_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.BENCH_CPU_PROFILE)}`] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', path.join(root, 'launcher', 'start.ts')], {
    cwd: root,
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: String(ports.api),
      HOST: '127.0.0.1',
      TEMPORAL_PORT: String(ports.temporal),
      TEMPORAL_UI_PORT: String(ports.ui),
      EMBEDDED_PG_PORT: String(ports.pg),
      API_KEYS: API_KEYS_SPEC,
      LOG_LEVEL: 'warn',
      // The bench is the only client: no rate limits, no load shedding.
      RATE_LIMIT_KEY_POINTS: '1000000',
      RATE_LIMIT_ADDRESS_POINTS: '1000000',
      API_MAX_IN_FLIGHT: '10000',
      API_MAX_EVENT_LOOP_DELAY_MS: '0',
      // A loaded 2-core machine: wait for the worker rather than answer 503.
      API_TEMPORAL_TIMEOUT_MS: '60000',
      API_REQUEST_TIMEOUT_MS: '120000',
      ...env,
    },
    stdio: ['ignore', log, log],
  });
  fs.closeSync(log);
  let exit: number | null | undefined;
  child.on('exit', (code) => (exit = code));
  for (const deadline = Date.now() + 180_000; ;) {
    const m = /CASEWORK_READY (.*)\n/.exec(fs.readFileSync(logFile, 'utf8'));
    if (m?.[1]) {
      const ready = JSON.parse(m[1]) as { apiUrl: string; temporalAddress: string };
      // The ready line masks the password: the embedded one is in DATA_DIR.
      return { child, ...ready, databaseUrl: env.DATABASE_URL || embeddedDatabaseUrl(dataDir, ports.pg) };
    }
    if (exit !== undefined || Date.now() > deadline) throw new Error(`the stack did not start (exit ${exit}); see ${logFile}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** E001, whom the engineer key acts as: no skills (automatic dispatch never picks them), free calendar. */
async function benchEngineer(databaseUrl: string): Promise<void> {
  const db = createDatabase(databaseUrl, { max: 1 });
  try {
    await upsertEngineer(
      db,
      EngineerInputSchema.parse({
        id: 'E001',
        name: '李工',
        badgeNo: 'B-E001',
        skills: [],
        regions: ['BENCH'],
        // Round the clock (start = end): the bench books visits at any hour.
        workingHours: { days: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '00:00' },
        maxOpenCases: 50,
        rating: 4.5,
      }),
    );
    await db.delete(engineerLoad).where(eq(engineerLoad.engineerId, 'E001'));
    await db.delete(engineerBookings).where(eq(engineerBookings.engineerId, 'E001'));
    await db.$client.query('CREATE TABLE IF NOT EXISTS bench_steps (id text NOT NULL, step text NOT NULL, at timestamptz NOT NULL DEFAULT now())');
  } finally {
    await db.$client.end();
  }
}

/**
 * BENCH_SERVER=production: the real Temporal server (built by `npm run
 * install:temporal-server`) on an embedded PostgreSQL that also holds casework's
 * database, set up as `npm run test:production` and docker-compose.yml set it up.
 */
async function startProductionTemporal(dataDir: string): Promise<RealTemporal> {
  const real = await startRealTemporal({ dataDir, logFile: path.join(dataDir, 'temporal-server.log') });
  try {
    const connection = await Connection.connect({ address: real.address });
    try {
      const quiet = { info: () => undefined, warn: () => undefined };
      await ensureNamespace(connection, process.env.TEMPORAL_NAMESPACE ?? 'default', 30, quiet);
      await ensureSearchAttributes(connection, process.env.TEMPORAL_NAMESPACE ?? 'default', quiet);
    } finally {
      await connection.close();
    }
    return real;
  } catch (err) {
    await real.stop();
    throw err;
  }
}

export async function startBenchStack(): Promise<BenchStack> {
  const payloadKeys = process.env.PAYLOAD_KEYS ?? newPayloadKeySpec();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'casework-bench-'));
  const real = process.env.BENCH_SERVER === 'production' ? await startProductionTemporal(dataDir) : undefined;
  const external = {
    TEMPORAL_ADDRESS: real?.address ?? process.env.TEMPORAL_ADDRESS ?? '',
    DATABASE_URL: real?.pg.url ?? process.env.DATABASE_URL ?? '',
  };
  const launched = await launch(dataDir, { ...external, PAYLOAD_KEYS: payloadKeys, TASK_QUEUE: `casework-bench-${Date.now().toString(36)}` });
  const { apiUrl, temporalAddress, databaseUrl } = launched;
  await benchEngineer(databaseUrl);
  const bareQueue = `bench-bare-${Date.now().toString(36)}`;
  const bare = await startBareWorker({ BENCH_TEMPORAL: temporalAddress, BENCH_DB: databaseUrl, BENCH_QUEUE: bareQueue, PAYLOAD_KEYS: payloadKeys });
  const launcherPid = launched.child.pid!;
  const extra = (name: string) => (process.env[name] ?? '').split(',').filter(Boolean).map(Number);
  return {
    apiUrl,
    temporalAddress,
    databaseUrl,
    payloadKeys,
    bareQueue,
    workerPid: launcherPid,
    groups() {
      const kids = children(launcherPid);
      const temporal = kids.filter((p) => comm(p) === 'temporal');
      const postgres = kids.filter((p) => comm(p) === 'postgres').flatMap(tree);
      return {
        // External servers: BENCH_TEMPORAL_PIDS / BENCH_PG_PIDS if they run on this machine.
        temporal: temporal.length ? temporal : real ? [real.pids.temporal] : extra('BENCH_TEMPORAL_PIDS'),
        postgres: postgres.length ? postgres : real ? tree(real.pids.postgres).filter((p) => comm(p) === 'postgres') : extra('BENCH_PG_PIDS').flatMap(tree),
        'worker+API': [launcherPid],
        'L1 worker': [bare.pid!],
      };
    },
    async stop() {
      bare.kill('SIGTERM');
      const exited = new Promise((r) => launched.child.once('exit', r));
      launched.child.kill('SIGTERM');
      await exited;
      await real?.stop();
      if (!process.env.BENCH_KEEP_DATA) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
