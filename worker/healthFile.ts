// The worker's health for a container's health check (docker-compose.yml): with
// WORKER_HEALTH_FILE set, the worker writes {"polling": …, "at": …} there every few
// seconds. A process that hangs stops refreshing it; a worker that lost Temporal and is
// between restarts writes polling: false. `node dist/worker/healthCheck.js` reads it.
import fs from 'node:fs';

export const HEALTH_INTERVAL_MS = 5_000;
/** Older than this, the file means a stuck or dead worker. */
export const HEALTH_STALE_MS = 30_000;

export interface WorkerHealth {
  polling: boolean;
  state: string;
  at: string;
}

/** Starts writing `file`; the returned function stops (and marks the worker not polling). */
export function writeHealthFile(file: string, state: () => string | undefined): () => void {
  const write = () => {
    const s = state() ?? 'STARTING';
    const health: WorkerHealth = { polling: s === 'RUNNING', state: s, at: new Date().toISOString() };
    // Written aside and renamed, so a reader never sees half a file.
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(health));
    fs.renameSync(`${file}.tmp`, file);
  };
  write();
  const timer = setInterval(write, HEALTH_INTERVAL_MS);
  timer.unref();
  return () => {
    clearInterval(timer);
    try {
      fs.writeFileSync(file, JSON.stringify({ polling: false, state: 'STOPPED', at: new Date().toISOString() }));
    } catch {
      // The file's directory went away: nothing to report to.
    }
  };
}

/** True when `file` says the worker polled within HEALTH_STALE_MS of `now`. */
export function isHealthy(file: string, now = Date.now()): boolean {
  try {
    const h = JSON.parse(fs.readFileSync(file, 'utf8')) as WorkerHealth;
    return h.polling === true && now - Date.parse(h.at) < HEALTH_STALE_MS;
  } catch {
    return false;
  }
}
