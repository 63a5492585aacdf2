// The embedded Temporal: `temporal server start-dev` with a persistent SQLite file, the
// Web UI, and our search attributes registered.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import type { Logger } from 'pino';
import { SEARCH_ATTRIBUTE_KEYS, searchAttributeCliSpecs } from '../domain/searchAttributes';
import type { SupervisedChild } from './supervise';
import { findTemporalCli } from './temporalBinaries';
import { waitFor } from './waitFor';

export interface EmbeddedTemporal extends SupervisedChild {
  address: string;
  uiUrl: string;
  /** The dev server's pid (undefined for the SDK's download fallback). */
  pid(): number | undefined;
}

export interface DevServerOptions {
  dataDir: string;
  port: number;
  uiPort: number;
  namespace: string;
  logger: Logger;
  /** The codec server the Web UI decodes payloads with (`--ui-codec-endpoint`): the API's /codec. */
  codecEndpoint?: string;
  /** `--sqlite-pragma` values (TEMPORAL_SQLITE_PRAGMAS), e.g. journal_mode=wal. */
  sqlitePragmas?: string[];
}

export async function startTemporalDevServer(opts: DevServerOptions): Promise<EmbeddedTemporal> {
  fs.mkdirSync(opts.dataDir, { recursive: true });
  const dbFile = path.join(opts.dataDir, 'temporal.sqlite');
  const address = `127.0.0.1:${opts.port}`;
  const uiUrl = `http://localhost:${opts.uiPort}`;
  const cli = findTemporalCli();
  if (!cli) return startWithSdkDownload(opts, dbFile, address, uiUrl);

  opts.logger.info({ cli: cli.path, source: cli.source, dbFile }, 'starting Temporal dev server');
  const args = [
    'server',
    'start-dev',
    '--db-filename',
    dbFile,
    '--ip',
    '127.0.0.1',
    '--port',
    String(opts.port),
    '--ui-port',
    String(opts.uiPort),
    '--namespace',
    opts.namespace,
    '--log-level',
    'warn',
    ...searchAttributeCliSpecs().flatMap((spec) => ['--search-attribute', spec]),
    ...codecArgs(opts),
    ...pragmaArgs(opts),
  ];
  let current = await spawnDevServer(cli.path, args, address);
  return {
    address,
    uiUrl,
    pid: () => (current.exited === undefined ? current.child.pid : undefined),
    waitExit: () => current.exit.then(() => `code ${current.exited}`),
    async restart() {
      current = await spawnDevServer(cli.path, args, address);
    },
    async stop() {
      if (current.exited !== undefined) return;
      current.child.kill('SIGTERM');
      const timer = setTimeout(() => current.child.kill('SIGKILL'), 10_000);
      await current.exit;
      clearTimeout(timer);
    },
  };
}

interface DevServerProcess {
  child: ChildProcess;
  exit: Promise<void>;
  exited: number | null | undefined;
}

/** One incarnation of `temporal server start-dev`, ready when it answers GetSystemInfo. */
async function spawnDevServer(cliPath: string, args: string[], address: string): Promise<DevServerProcess> {
  const child = spawn(cliPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const proc: DevServerProcess = {
    child,
    exited: undefined,
    exit: new Promise<void>((resolve) =>
      child.on('exit', (code) => {
        proc.exited = code;
        resolve();
      }),
    ),
  };

  await waitFor(
    async () => {
      if (proc.exited !== undefined) {
        throw new Error(`temporal server start-dev exited with code ${proc.exited}:\n${output}`);
      }
      const conn = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await conn.workflowService.getSystemInfo({});
      } finally {
        await conn.close();
      }
    },
    { timeoutMs: 60_000, what: 'the Temporal dev server' },
  ).catch((err: unknown) => {
    // Not ready in time: do not leave it running behind the caller's back.
    if (proc.exited === undefined) child.kill('SIGKILL');
    throw err;
  });
  return proc;
}

/** Last resort on machines with internet: the SDK downloads and caches the CLI. */
async function startWithSdkDownload(opts: DevServerOptions, dbFile: string, address: string, uiUrl: string): Promise<EmbeddedTemporal> {
  opts.logger.warn('no temporal CLI found (TEMPORAL_CLI_PATH, PATH, .tools); using the SDK cached download');
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'cached-download' },
      ip: '127.0.0.1',
      port: opts.port,
      ui: true,
      uiPort: opts.uiPort,
      dbFilename: dbFile,
      namespace: opts.namespace,
      searchAttributes: SEARCH_ATTRIBUTE_KEYS,
      extraArgs: [...codecArgs(opts), ...pragmaArgs(opts)],
    },
  });
  // The SDK owns this process: it is not supervised (waitExit never resolves).
  return {
    address,
    uiUrl,
    pid: () => undefined,
    waitExit: () => new Promise<string>(() => undefined),
    restart: () => Promise.reject(new Error('not supported')),
    stop: () => env.teardown(),
  };
}

function codecArgs(opts: DevServerOptions): string[] {
  return opts.codecEndpoint ? ['--ui-codec-endpoint', opts.codecEndpoint] : [];
}

/** SQLite's pragmas: WAL and synchronous=normal by default (README "Performance": the durability trade-off). */
function pragmaArgs(opts: DevServerOptions): string[] {
  return (opts.sqlitePragmas ?? []).flatMap((p) => ['--sqlite-pragma', p]);
}
