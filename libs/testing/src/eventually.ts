/**
 * Retries `probe` until it stops throwing or `timeoutMs` passes, then rethrows its last error.
 * Integration tests wait with this, never with a fixed sleep.
 */
export async function eventually<T>(
  probe: () => Promise<T> | T,
  { timeoutMs = 20_000, intervalMs = 50 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await probe();
    } catch (error) {
      if (Date.now() >= deadline) throw error;
      await new Promise((done) => setTimeout(done, intervalMs));
    }
  }
}
