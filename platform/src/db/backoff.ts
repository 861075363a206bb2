/** Exponential backoff with full jitter: a random delay in [0, min(max, base * 2^attempt)]. */
export function backoffDelay(attempt: number, options: { baseMs?: number; maxMs?: number } = {}): number {
  const base = options.baseMs ?? 100;
  const max = options.maxMs ?? 5_000;
  const ceiling = Math.min(max, base * 2 ** Math.min(attempt, 20));
  return Math.max(base / 2, Math.random() * ceiling);
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Runs `work`, retrying with jittered backoff while it fails with an error `retryable` accepts,
 * for up to `waitMs`; any other failure (or one after the deadline) is thrown.
 */
export async function retryWhile<T>(
  work: () => Promise<T>,
  retryable: (error: unknown) => boolean,
  options: { waitMs: number; maxDelayMs?: number; onRetry?: (error: unknown, delayMs: number) => void },
): Promise<T> {
  const deadline = Date.now() + options.waitMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!retryable(error) || Date.now() >= deadline) throw error;
      const delay = backoffDelay(attempt, { baseMs: 200, maxMs: options.maxDelayMs ?? 3_000 });
      options.onRetry?.(error, delay);
      await sleep(delay);
    }
  }
}
