// The embedded default (`npm start`, `npm run seed:keys` against it) needs secrets nobody
// set: one is generated once into DATA_DIR (git-ignored, mode 0600) and read back after,
// so links and API keys survive restarts. Production sets them in the environment.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const LINK_SECRET_FILE = 'customer-link.secret';
export const API_KEY_SECRET_FILE = 'api-key.secret';

export function keptSecret(dataDir: string, fileName: string): string {
  const file = path.join(dataDir, fileName);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dataDir, { recursive: true });
    try {
      fs.writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600, flag: 'wx' });
    } catch (err) {
      // Another process (the launcher, seed:keys) made it first: read theirs.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  return fs.readFileSync(file, 'utf8').trim();
}
