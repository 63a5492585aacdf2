#!/usr/bin/env node
// Installs schemathesis (PyPI) into its own virtualenv, .tools/schemathesis (git-ignored),
// for the OpenAPI conformance test (test/e2e/openapiConformance.test.ts). A venv keeps
// its many dependencies away from the Temporal wheels in .tools/python. Idempotent (a
// stamp file names the pinned version); never fails the install: the test says what is
// missing. CASEWORK_SKIP_SCHEMATHESIS=1 skips it (the Docker image does).
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const VERSION = '4.32.5';
const root = path.resolve(__dirname, '..');
const venv = path.join(root, '.tools', 'schemathesis');
const st = path.join(venv, 'bin', 'st');
const stamp = path.join(venv, '.installed.json');
const wanted = JSON.stringify({ schemathesis: VERSION });

if (process.env.CASEWORK_SKIP_SCHEMATHESIS === '1') process.exit(0);
if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === wanted && fs.existsSync(st)) process.exit(0);

const quiet = ['--quiet', '--disable-pip-version-check', '--no-warn-script-location'];
const pythons = [process.env.PYTHON, 'python3', 'python'].filter(Boolean);
for (const py of pythons) {
  // A half-made venv from an interrupted run is replaced, not patched.
  fs.rmSync(venv, { recursive: true, force: true });
  if (spawnSync(py, ['-m', 'venv', venv], { stdio: 'inherit' }).status !== 0) continue;
  const pip = path.join(venv, 'bin', 'python');
  const res = spawnSync(pip, ['-m', 'pip', 'install', ...quiet, `schemathesis==${VERSION}`], { stdio: 'inherit' });
  if (res.status === 0 && fs.existsSync(st)) {
    fs.writeFileSync(stamp, wanted);
    console.log(`casework: schemathesis ${VERSION} installed in ${path.relative(root, venv)}`);
    process.exit(0);
  }
}
fs.rmSync(venv, { recursive: true, force: true });
console.warn(
  `casework: could not install schemathesis ${VERSION} with pip; the OpenAPI conformance test will fail until it is installed:\n` +
    `  python3 -m venv .tools/schemathesis && .tools/schemathesis/bin/pip install schemathesis==${VERSION}`,
);
