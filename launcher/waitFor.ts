/** Retries `probe` until it resolves; rethrows the last error after the timeout. */
export async function waitFor(
  probe: () => Promise<void>,
  opts: { timeoutMs: number; intervalMs?: number; what: string },
): Promise<void> {
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
