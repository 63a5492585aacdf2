// `npm run worker` / `npm run api` as child processes (their real entry points under
// tsx). The harness kills and restarts them; an exit it did not cause is counted, since
// "every process that was not the victim stayed up" is one of the checks.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');

export class ChildService {
  private child?: ChildProcess;
  private expectingExit = false;
  /** Exits nobody asked for (crashes). */
  unexpectedExits: Array<{ code: number | null; signal: string | null }> = [];
  starts = 0;

  constructor(
    readonly name: string,
    private readonly entry: string,
    private readonly env: Record<string, string>,
    readonly logFile: string,
    /** A line the process prints when it is ready. */
    private readonly readyText: string,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts the process and waits (bounded) for its ready line. */
  async start(timeoutMs = 120_000): Promise<void> {
    await this.waitReady(this.launch(), timeoutMs);
  }

  /** Starts the process; returns the log offset its ready line will come after. */
  launch(): number {
    const startOffset = this.logSize();
    const log = fs.openSync(this.logFile, 'a');
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, this.entry)], {
      cwd: ROOT,
      env: { ...process.env, ...this.env },
      stdio: ['ignore', log, log],
    });
    fs.closeSync(log);
    this.child = child;
    this.expectingExit = false;
    this.starts++;
    child.on('exit', (code, signal) => {
      if (this.child === child && !this.expectingExit) this.unexpectedExits.push({ code, signal });
    });
    return startOffset;
  }

  /** Waits (bounded) for the ready line after `offset`; fails if the process exits first. */
  async waitReady(offset: number, timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.logSince(offset).includes(this.readyText)) return;
      if (!this.running) throw new Error(`${this.name} exited while starting; see ${this.logFile}`);
      if (Date.now() > deadline) throw new Error(`${this.name} not ready in ${timeoutMs} ms; see ${this.logFile}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** Sends `signal` and waits for the exit (SIGKILL after 20 s). */
  async kill(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    this.expectingExit = true;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  }

  /** Log lines written since `offset` (for counting the worker supervisor's restarts). */
  logSince(offset: number): string {
    return fs.readFileSync(this.logFile).subarray(offset).toString('utf8');
  }

  logSize(): number {
    return fs.existsSync(this.logFile) ? fs.statSync(this.logFile).size : 0;
  }
}
