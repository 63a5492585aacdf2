import fs from 'node:fs';
import { stackInfo } from './stackInfo';

export default async function globalTeardown(): Promise<void> {
  const info = stackInfo();
  try {
    process.kill(info.pid, 'SIGTERM');
  } catch {
    return;
  }
  // The launcher stops API, worker, PostgreSQL and Temporal, then exits.
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    try {
      process.kill(info.pid, 0);
      await new Promise((r) => setTimeout(r, 200));
    } catch {
      fs.rmSync(info.dataDir, { recursive: true, force: true });
      return;
    }
  }
  process.kill(info.pid, 'SIGKILL');
}
