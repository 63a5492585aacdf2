// Workers and APIs as a deployment runs them: `node dist/...` (the compiled build, no
// tsx), each its own process with the production environment, output to a log file.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..', '..');

export interface CompiledProcess {
  name: string;
  child: ChildProcess;
  /** Resolves once `readyLine` appears in its output; rejects if it exits first or in 120 s. */
  ready: Promise<void>;
  exited: Promise<number | string | null>;
  kill(signal: NodeJS.Signals): Promise<number | string | null>;
}

const started = new Set<CompiledProcess>();

export function startCompiled(name: string, entry: string, env: Record<string, string>, readyLine: string, logFile: string): CompiledProcess {
  const child = spawn(process.execPath, [path.join(root, 'dist', entry)], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = fs.createWriteStream(logFile, { flags: 'a' });
  const exited = new Promise<number | string | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  const ready = new Promise<void>((resolve, reject) => {
    let tail = '';
    const timer = setTimeout(() => reject(new Error(`${name} not ready in 120 s; see ${logFile}`)), 120_000);
    const onData = (chunk: Buffer) => {
      out.write(chunk);
      // A tail, so a line split across chunks is still found.
      tail = (tail + chunk.toString()).slice(-8192);
      if (tail.includes(readyLine)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code}; see ${logFile}`));
    });
  });
  ready.catch(() => undefined);
  const proc: CompiledProcess = {
    name,
    child,
    ready,
    exited,
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
  started.add(proc);
  void exited.then(() => {
    started.delete(proc);
    out.end();
  });
  return proc;
}

/** For afterAll: ends every process this file started that still runs. */
export async function killCompiledProcesses(): Promise<void> {
  await Promise.all([...started].map((p) => p.kill('SIGKILL')));
}
