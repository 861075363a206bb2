/**
 * `npm run bench` (`node bench/run.ts [latency|overhead|propagation]`): runs the benchmarks on an embedded
 * PostgreSQL of their own, prints the Markdown table and writes it with the JSON to
 * bench/results/ (`latest.*` for a full run, `latest-<name>.*` for one benchmark).
 */
import { availableParallelism } from 'node:os';
import { startOwnPostgres } from '@empire/platform/testkit';
import { progress, withTeardown } from './bench-stack.ts';
import { runGatewayOverhead } from './gateway-overhead.ts';
import { runKeyPropagation } from './key-propagation.ts';
import { runPublishLatency } from './publish-latency.ts';
import { type BenchReport, describeEnvironment, renderMarkdown, writeReport } from './report.ts';

const BENCHMARKS = ['latency', 'overhead', 'propagation'] as const;
type BenchmarkName = (typeof BENCHMARKS)[number];

const isBenchmarkName = (value: string): value is BenchmarkName => (BENCHMARKS as readonly string[]).includes(value);

async function main(selected: readonly BenchmarkName[]): Promise<void> {
  const started = performance.now();
  // read before this run's own PostgreSQL adds to it
  const environment = describeEnvironment();
  if (environment.loadAverageAtStart > availableParallelism() / 2) {
    progress(`the machine is busy (1-min load average ${environment.loadAverageAtStart}): figures will be noisy`);
  }
  const measured = await withTeardown(async (teardown) => {
    progress('starting an embedded PostgreSQL');
    const postgres = await startOwnPostgres();
    teardown.add('embedded PostgreSQL', postgres.dispose);
    const publishLatency = selected.includes('latency') ? await runPublishLatency(postgres) : undefined;
    const gatewayOverhead = selected.includes('overhead') ? await runGatewayOverhead(postgres) : undefined;
    const keyPropagation = selected.includes('propagation') ? await runKeyPropagation(postgres) : undefined;
    return { publishLatency, gatewayOverhead, keyPropagation };
  });
  const report: BenchReport = { environment, runtimeSeconds: Math.round((performance.now() - started) / 1000), ...measured };
  const files = await writeReport(report, selected.length === BENCHMARKS.length ? 'latest' : `latest-${selected.join('-')}`);
  process.stdout.write(renderMarkdown(report));
  progress(`done in ${report.runtimeSeconds} s; wrote ${files.join(' and ')}`);
}

// the default exit on a signal skips `exit` handlers, which stop the embedded PostgreSQL and the load client
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    progress(`${signal}: stopping`);
    process.exit(signal === 'SIGINT' ? 130 : 143);
  });
}

const args = process.argv.slice(2);
const unknown = args.filter((arg) => !isBenchmarkName(arg));
if (unknown.length) {
  process.stderr.write(`unknown benchmark ${unknown.join(', ')}; usage: node bench/run.ts [${BENCHMARKS.join('|')}]...\n`);
  process.exit(2);
}
try {
  await main(args.length ? BENCHMARKS.filter((name) => args.includes(name)) : BENCHMARKS);
} catch (error) {
  progress(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
}
