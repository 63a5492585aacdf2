#!/usr/bin/env node
// Installs Debian's Chromium for the browser tests (test/e2e/temporalUi*.test.ts, the
// customer pages in test/e2e/customerPages.test.ts) when it is missing, and Debian's CJK
// fonts (fonts-noto-cjk) so Chinese pages render in their screenshots:
// `apt-get install chromium fonts-noto-cjk`, as root only. Test tools' own browser
// downloads do not work on machines without general internet; Debian's packages do.
// Never fails the install; set CASEWORK_SKIP_BROWSER=1 to skip, CHROMIUM_PATH to use
// another binary.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');

if (process.env.CASEWORK_SKIP_BROWSER === '1') process.exit(0);
const wanted = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
// Debian's fonts-noto-cjk puts its fonts here.
const CJK_FONTS = '/usr/share/fonts/opentype/noto';
const hasCjkFonts = () => fs.existsSync(CJK_FONTS) && fs.readdirSync(CJK_FONTS).some((f) => /CJK/i.test(f));
const missing = [...(fs.existsSync(wanted) ? [] : ['chromium']), ...(hasCjkFonts() ? [] : ['fonts-noto-cjk'])];
if (missing.length === 0) process.exit(0);
if (typeof process.getuid !== 'function' || process.getuid() !== 0 || !fs.existsSync('/usr/bin/apt-get')) {
  console.warn(`casework: ${missing.join(' and ')} missing; the browser tests need them (apt-get install ${missing.join(' ')}).`);
  process.exit(0);
}
console.log(`casework: installing Debian ${missing.join(' and ')} for the browser tests (apt-get install ${missing.join(' ')})…`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
const install = () => spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { stdio: 'inherit', env });
let res = install();
if (res.status !== 0) {
  spawnSync('apt-get', ['update'], { stdio: 'inherit', env });
  res = install();
}
if (res.status !== 0)
  console.warn(`casework: could not install ${missing.join(' and ')}; the browser tests will fail (or show no Chinese) until they are installed.`);
