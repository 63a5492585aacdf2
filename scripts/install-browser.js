#!/usr/bin/env node
// Installs Debian's Chromium for the Temporal Web UI test (test/e2e/temporalUi.test.ts)
// when it is missing: `apt-get install chromium`, as root only. Test tools' own browser
// downloads do not work on machines without general internet; Debian's package does.
// Never fails the install; set CASEWORK_SKIP_BROWSER=1 to skip, CHROMIUM_PATH to use
// another binary.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');

if (process.env.CASEWORK_SKIP_BROWSER === '1') process.exit(0);
const wanted = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
if (fs.existsSync(wanted)) process.exit(0);
if (typeof process.getuid !== 'function' || process.getuid() !== 0 || !fs.existsSync('/usr/bin/apt-get')) {
  console.warn(`casework: ${wanted} is missing; the Temporal UI test needs it (apt-get install chromium).`);
  process.exit(0);
}
console.log('casework: installing Debian chromium for the Temporal UI test (apt-get install chromium)…');
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
let res = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], { stdio: 'inherit', env });
if (res.status !== 0) {
  spawnSync('apt-get', ['update'], { stdio: 'inherit', env });
  res = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], { stdio: 'inherit', env });
}
if (res.status !== 0) console.warn('casework: could not install chromium; the Temporal UI test will fail until it is installed.');
