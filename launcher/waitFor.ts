/** Retries `probe` until it resolves; rethrows the last error after the timeout. */
export async function waitFor(probe: () => Promise<void>, opts: { timeoutMs: number; intervalMs?: number; what: string }): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      await probe();
      return;
    } catch (err) {
      lastError = err;
      if (err instanceof Error && /exited with code/.test(err.message)) throw err;
    }
    if (Date.now() > deadline) {
      const reason = lastError instanceof Error ? lastError.message : String(lastError);
      throw new Error(`timed out after ${opts.timeoutMs} ms waiting for ${opts.what}: ${reason}`);
    }
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 250));
  }
}

/**
 * Fails at once when something already listens on `port` (say, a casework stack that
 * is still stopping): otherwise a new server would fail to bind while the readiness
 * probe happily talks to the old one.
 */
export async function assertPortFree(port: number, name: string): Promise<void> {
  const net = await import('node:net');
  await new Promise<void>((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new Error(
          err.code === 'EADDRINUSE'
            ? `port ${port} (${name}) is in use: is another casework (or a stack still stopping) running? Set ${name} to another port.`
            : err.message,
        ),
      ),
    );
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve()));
  });
}
