/**
 * A bounded closed-loop HTTP load generator, run as its own process so the client does not
 * share an event loop with the servers it measures. Reads LoadOptions as JSON on stdin (not
 * argv, where the credential would show in the process list); prints one LoadResult as JSON.
 */
import { type Summary, summarize } from './stats.ts';

export interface LoadOptions {
  url: string;
  /** Sent with every request, as a signed-in client sends it. */
  authorization: string;
  query: string;
  /** The `data` every answer must carry, as JSON; anything else counts as an error. */
  expectedData: string;
  concurrency: number;
  /** Sent first and not measured: connections, JIT and query-plan caches warm up. */
  warmupRequests: number;
  /** The measured phase stops at this many requests or after `maxMs`, whichever comes first. */
  maxRequests: number;
  maxMs: number;
}

export interface LoadResult {
  requests: number;
  errors: number;
  firstError: string | null;
  durationMs: number;
  requestsPerSecond: number;
  /** Null when no request succeeded. */
  latencyMs: Summary | null;
  stoppedBy: 'count' | 'time';
}

async function runPhase(options: LoadOptions, maxRequests: number, maxMs: number): Promise<LoadResult> {
  const body = JSON.stringify({ query: options.query });
  const latencies: number[] = [];
  let issued = 0;
  let errors = 0;
  let firstError: string | null = null;
  let stoppedBy: LoadResult['stoppedBy'] = 'count';
  const start = performance.now();
  const deadline = start + maxMs;
  const worker = async () => {
    while (issued < maxRequests) {
      if (performance.now() >= deadline) {
        stoppedBy = 'time';
        return;
      }
      issued += 1;
      const sent = performance.now();
      try {
        const response = await fetch(options.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: options.authorization },
          body,
        });
        const text = await response.text();
        const elapsed = performance.now() - sent;
        const data = JSON.stringify((JSON.parse(text) as { data?: unknown }).data);
        if (response.status !== 200 || data !== options.expectedData) throw new Error(`answered ${response.status}: ${text.slice(0, 200)}`);
        latencies.push(elapsed);
      } catch (error) {
        errors += 1;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const durationMs = performance.now() - start;
  const requests = latencies.length + errors;
  return {
    requests,
    errors,
    firstError,
    durationMs: Math.round(durationMs),
    requestsPerSecond: Math.round((requests / durationMs) * 1000),
    latencyMs: latencies.length ? summarize(latencies) : null,
    stoppedBy,
  };
}

if (import.meta.main) {
  let input = '';
  for await (const chunk of process.stdin) input += String(chunk);
  const options = JSON.parse(input || 'null') as LoadOptions | null;
  if (!options) throw new Error('usage: node bench/load-client.ts < LoadOptions as JSON');
  await runPhase(options, options.warmupRequests, options.maxMs);
  const result = await runPhase(options, options.maxRequests, options.maxMs);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
