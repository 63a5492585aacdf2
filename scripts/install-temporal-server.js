#!/usr/bin/env node
// `npm run install:temporal-server`: builds the real Temporal server and its SQL schema
// tool from Temporal's Go modules (through the Go module proxy) into the git-ignored
// .tools/temporal-server/<version>/, and copies the PostgreSQL schema files the schema
// tool applies. Used by `npm run test:production`; containers use the
// temporalio/server image of the same version (docker-compose.yml, checked by a test).
// Not a postinstall step: the build takes minutes (about 5 on 2 idle cores).
// Idempotent: a version whose binaries and schema are already there is not rebuilt.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

/** The one pinned Temporal server version (docker-compose.yml's images must match). */
const TEMPORAL_SERVER_VERSION = '1.29.1';
const MODULE = 'go.temporal.io/server';
const root = path.resolve(__dirname, '..');

/** Where the binaries and schema of `version` live. */
function serverDir(version = TEMPORAL_SERVER_VERSION) {
  return path.join(root, '.tools', 'temporal-server', version);
}

/** Paths of an installed version (they may not exist yet). */
function installedPaths(version = TEMPORAL_SERVER_VERSION) {
  const dir = serverDir(version);
  return {
    dir,
    server: path.join(dir, 'temporal-server'),
    sqlTool: path.join(dir, 'temporal-sql-tool'),
    // The schema tool's versioned directories for PostgreSQL 12+ (pgx plugin).
    schema: path.join(dir, 'schema', 'postgresql', 'v12'),
  };
}

function isInstalled(version = TEMPORAL_SERVER_VERSION) {
  const p = installedPaths(version);
  return [p.server, p.sqlTool, path.join(p.schema, 'temporal', 'versioned'), path.join(p.schema, 'visibility', 'versioned')].every((f) => fs.existsSync(f));
}

function run(cmd, args, env) {
  const res = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, ...env } });
  if (res.error) throw new Error(`${cmd}: ${res.error.message}`);
  if (res.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${res.status}`);
}

function install(version = TEMPORAL_SERVER_VERSION) {
  const p = installedPaths(version);
  if (isInstalled(version)) {
    console.log(`casework: Temporal server ${version} already built in ${path.relative(root, p.dir)}`);
    return p;
  }
  const started = Date.now();
  // Built into a scratch directory and renamed at the end, so an interrupted build never
  // looks installed.
  const scratch = `${p.dir}.partial`;
  fs.rmSync(scratch, { recursive: true, force: true });
  fs.mkdirSync(scratch, { recursive: true });
  console.log(`casework: building Temporal server ${version} and its SQL tool with go install (takes minutes)...`);
  run('go', ['install', `${MODULE}/cmd/server@v${version}`, `${MODULE}/cmd/tools/sql@v${version}`], { GOBIN: scratch, GOFLAGS: '-buildvcs=false' });
  fs.renameSync(path.join(scratch, 'server'), path.join(scratch, 'temporal-server'));
  fs.renameSync(path.join(scratch, 'sql'), path.join(scratch, 'temporal-sql-tool'));

  // The module source `go install` just fetched holds the schema directory.
  const dl = spawnSync('go', ['mod', 'download', '-json', `${MODULE}@v${version}`], { encoding: 'utf8' });
  if (dl.status !== 0) throw new Error(`go mod download ${MODULE}@v${version} failed:\n${dl.stdout}${dl.stderr}`);
  const moduleDir = JSON.parse(dl.stdout).Dir;
  const from = path.join(moduleDir, 'schema', 'postgresql', 'v12');
  const to = path.join(scratch, 'schema', 'postgresql', 'v12');
  fs.cpSync(from, to, { recursive: true });
  // The module cache is read-only; the copy need not be.
  fs.chmodSync(path.join(scratch, 'schema'), 0o755);
  spawnSync('chmod', ['-R', 'u+w', path.join(scratch, 'schema')]);

  fs.rmSync(p.dir, { recursive: true, force: true });
  fs.renameSync(scratch, p.dir);
  console.log(`casework: Temporal server ${version} built in ${Math.round((Date.now() - started) / 1000)} s into ${path.relative(root, p.dir)}`);
  return p;
}

module.exports = { TEMPORAL_SERVER_VERSION, installedPaths, isInstalled, install };

if (require.main === module) {
  try {
    install(process.argv[2] || TEMPORAL_SERVER_VERSION);
  } catch (err) {
    console.error(`casework: could not build the Temporal server: ${err.message}`);
    console.error('  It needs Go (go.dev) and the Go module proxy; see README "Production".');
    process.exit(1);
  }
}
