// The production topology's Temporal: the real server (built from Temporal's Go modules by
// `npm run install:temporal-server`), its persistence and visibility schemas created in an
// embedded PostgreSQL by the schema tool, started with the repository's server config and
// dynamic config (deploy/temporal/), as docker-compose.yml starts it. Used by
// `npm run test:production` and by `BENCH_SERVER=production npm run bench`.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Connection, type TLSConfig } from '@temporalio/client';
import { freePort } from './freePort';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- a plain CommonJS script (npm run install:temporal-server)
const installer = require('../install-temporal-server.js') as {
  TEMPORAL_SERVER_VERSION: string;
  isInstalled(): boolean;
  installedPaths(): { dir: string; server: string; sqlTool: string; schema: string };
};

const root = path.resolve(__dirname, '..', '..');
export const DEPLOY_TEMPORAL = path.join(root, 'deploy', 'temporal');

export interface RealTemporal {
  address: string;
  pg: { url: string };
  /** The server's and PostgreSQL's process ids (for CPU accounting). */
  pids: { temporal: number; postgres: number };
  /** Seconds each step took (schemas, server start), for the report. */
  timings: Record<string, number>;
  stop(): Promise<void>;
}

/** deploy/temporal/setup-schema.sh (docker-compose.yml's schema job) with the built schema tool. */
function setupSchema(bin: { dir: string; schema: string }, db: { port: number; user: string; password: string }): string {
  const res = spawnSync('sh', [path.join(DEPLOY_TEMPORAL, 'setup-schema.sh')], {
    encoding: 'utf8',
    env: {
      PATH: `${bin.dir}${path.delimiter}${process.env.PATH}`,
      SQL_HOST: '127.0.0.1',
      SQL_PORT: String(db.port),
      SQL_USER: db.user,
      SQL_PASSWORD: db.password,
      TEMPORAL_SCHEMA_DIR: bin.schema,
    },
  });
  if (res.status !== 0) throw new Error(`setup-schema.sh failed (${res.status}):\n${res.stdout}\n${res.stderr}`);
  return res.stdout;
}

/** cluster_membership stores ports as smallint: every port of the server stays below 32768. */
const serverPort = () => freePort(32_768);

/** The embedded PostgreSQL in a child process (support/postgresProcess.ts). */
async function startPostgres(dataDir: string, port: number): Promise<{ url: string; pid: number; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'postgresProcess.ts'), dataDir, String(port)], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`embedded PostgreSQL not ready in 120 s:\n${out}`)), 120_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /PG_READY (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exit.then(() => reject(new Error(`embedded PostgreSQL exited:\n${out}`)));
  });
  return {
    url,
    pid: child.pid!,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exit;
    },
  };
}

/**
 * TLS on the frontend (deploy/temporal/config/production.yaml's FRONTEND_TLS_*): PEM files
 * of the frontend's certificate, its key and the CA that signed it; with `clientCaFile`,
 * clients must present a certificate (mTLS). `probe` is how the start-up check connects.
 */
export interface FrontendTls {
  certFile: string;
  keyFile: string;
  caFile: string;
  clientCaFile?: string;
  probe: TLSConfig;
}

export async function startRealTemporal(opts: { dataDir: string; logFile: string; frontendTls?: FrontendTls }): Promise<RealTemporal> {
  if (!installer.isInstalled()) {
    throw new Error(`Temporal server ${installer.TEMPORAL_SERVER_VERSION} is not built: run \`npm run install:temporal-server\` first (needs Go)`);
  }
  const bin = installer.installedPaths();
  const timings: Record<string, number> = {};
  let t = Date.now();
  const pgPort = await serverPort();
  const pg = await startPostgres(opts.dataDir, pgPort);
  const url = new URL(pg.url);
  const user = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  timings.postgres = (Date.now() - t) / 1000;

  // What the admin-tools job of docker-compose.yml does; a second run (a redeploy) changes nothing.
  t = Date.now();
  try {
    setupSchema(bin, { port: pgPort, user, password });
    timings.schemas = (Date.now() - t) / 1000;
    const again = setupSchema(bin, { port: pgPort, user, password });
    if (!/temporal_visibility is at the schema/.test(again)) throw new Error(`setup-schema.sh again:\n${again}`);
  } catch (err) {
    await pg.stop();
    throw err;
  }

  t = Date.now();
  const ports: Record<string, number> = {};
  for (const name of [
    'FRONTEND_GRPC',
    'FRONTEND_HTTP',
    'FRONTEND_MEMBERSHIP',
    'MATCHING_GRPC',
    'MATCHING_MEMBERSHIP',
    'HISTORY_GRPC',
    'HISTORY_MEMBERSHIP',
    'WORKER_GRPC',
    'WORKER_MEMBERSHIP',
  ]) {
    // Membership ports are stored as smallint in cluster_membership: all stay below 32768.
    ports[`${name}_PORT`] = await serverPort();
  }
  const log = fs.openSync(opts.logFile, 'a');
  const server: ChildProcess = spawn(bin.server, ['--root', DEPLOY_TEMPORAL, '--config', 'config', '--env', 'production', '--allow-no-auth', 'start'], {
    env: {
      PATH: process.env.PATH,
      POSTGRES_SEEDS: '127.0.0.1',
      DB_PORT: String(pgPort),
      POSTGRES_USER: user,
      POSTGRES_PWD: password,
      DYNAMIC_CONFIG_FILE_PATH: path.join(DEPLOY_TEMPORAL, 'dynamicconfig.yaml'),
      LOG_LEVEL: 'warn',
      ...(opts.frontendTls && {
        FRONTEND_TLS_CERT_FILE: opts.frontendTls.certFile,
        FRONTEND_TLS_KEY_FILE: opts.frontendTls.keyFile,
        FRONTEND_TLS_CA_FILE: opts.frontendTls.caFile,
        ...(opts.frontendTls.clientCaFile && { FRONTEND_TLS_CLIENT_CA_FILE: opts.frontendTls.clientCaFile }),
      }),
      ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
    },
    stdio: ['ignore', log, log],
  });
  fs.closeSync(log);
  let exited: string | undefined;
  const exit = new Promise<void>((resolve) =>
    server.once('exit', (code, signal) => {
      exited = `code ${code}, signal ${signal}`;
      resolve();
    }),
  );
  const address = `127.0.0.1:${ports.FRONTEND_GRPC_PORT}`;
  const stop = async () => {
    if (exited === undefined) {
      server.kill('SIGTERM');
      const timer = setTimeout(() => server.kill('SIGKILL'), 15_000);
      await exit;
      clearTimeout(timer);
    }
    await pg.stop();
  };
  try {
    const deadline = Date.now() + 120_000;
    for (;;) {
      if (exited !== undefined) throw new Error(`temporal-server exited (${exited}); see ${opts.logFile}`);
      try {
        const conn = await Connection.connect({ address, connectTimeout: 1_000, tls: opts.frontendTls?.probe });
        try {
          await conn.workflowService.getSystemInfo({});
          break;
        } finally {
          await conn.close();
        }
      } catch (err) {
        if (Date.now() > deadline) throw new Error(`temporal-server not serving in 120 s (${(err as Error).message}); see ${opts.logFile}`, { cause: err });
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  } catch (err) {
    await stop();
    throw err;
  }
  timings.serverStart = (Date.now() - t) / 1000;
  return { address, pg, pids: { temporal: server.pid!, postgres: pg.pid }, timings, stop };
}
