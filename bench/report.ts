import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { GatewayOverheadResult, TargetFigures } from './gateway-overhead.ts';
import type { KeyPropagationResult } from './key-propagation.ts';
import type { PublishLatencyResult } from './publish-latency.ts';

export interface BenchEnvironment {
  date: string;
  /** The checked-out commit; the working tree may hold changes on top of it. */
  commit: string | null;
  node: string;
  platform: string;
  cpus: number;
  cpuModel: string | null;
  totalMemoryMb: number;
  /** 1-minute load average when the run started: other work on the machine skews every figure. */
  loadAverageAtStart: number;
}

export interface BenchReport {
  environment: BenchEnvironment;
  /** The whole run: starting PostgreSQL, setups, measurements and stopping everything. */
  runtimeSeconds: number;
  publishLatency?: PublishLatencyResult;
  gatewayOverhead?: GatewayOverheadResult;
  keyPropagation?: KeyPropagationResult;
}

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

export function describeEnvironment(): BenchEnvironment {
  return {
    date: new Date().toISOString(),
    commit: gitCommit(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpus: availableParallelism(),
    cpuModel: cpus()[0]?.model.trim() ?? null,
    totalMemoryMb: Math.round(totalmem() / 1_000_000),
    loadAverageAtStart: Math.round((loadavg()[0] ?? 0) * 100) / 100,
  };
}

const ms = (value: number): string => (value < 100 ? `${value.toFixed(1)} ms` : `${Math.round(value)} ms`);
const count = (value: number): string => value.toLocaleString('en-US');

function latencySection(result: PublishLatencyResult): string[] {
  const { parameters } = result;
  const rows = result.counts.map((c) => {
    const cells = [
      `${c.subgraphs} (+ registry)`,
      `${c.publishToServedMs.count}${c.stoppedBy === 'time' ? ' (time budget)' : ''}`,
      ms(c.publishToServedMs.p50),
      ms(c.publishToServedMs.p99),
      ms(c.publishToServedMs.max),
      ms(c.publishCallMs.p50),
      ms(c.publishToSwapMs.p50),
      ms(c.composeServicesMs.median),
      `${c.rssMb} MB`,
    ];
    return `| ${cells.join(' | ')} |`;
  });
  return [
    '## Publish → served by the gateway',
    '',
    `Each publish adds one field to one subgraph (a SAFE change) through the registry's REST API (\`POST /api/api-diff/register\`) with a neuron API key.`,
    `The gateway reloads on the \`supergraph.published\` push (its fallback poll is out of the way) and is queried every ${parameters.pollIntervalMs} ms until it answers the new field.`,
    `${parameters.iterations} measured publishes per row after ${parameters.warmupIterations} warm-up, at most ${parameters.timeBudgetPerCountMs / 1000} s per row.`,
    '"publish call" is the registry request alone (compose, diff, store, notify); "swap" is when the gateway applied the new supergraph.',
    `\`composeServices\` alone is the median of ${parameters.composeRuns} runs on the same parsed subgraph set, the registry's own subgraph included.`,
    'Nearest-rank percentiles: with 100 samples or fewer, the p99 is the slowest one.',
    '',
    '| subgraphs | publishes | publish → served p50 | p99 | max | publish call p50 | publish → swap p50 | `composeServices` alone | process RSS |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
  ];
}

function targetRow(name: string, target: TargetFigures): string {
  const cells = [
    name,
    count(target.rounds.reduce((total, r) => total + r.requests, 0)),
    count(target.requestsPerSecond),
    ms(target.p50Ms),
    ms(target.p99Ms),
    target.rounds.map((r) => count(r.requestsPerSecond)).join(' · '),
  ];
  return `| ${cells.join(' | ')} |`;
}

function overheadSection(result: GatewayOverheadResult): string[] {
  const { parameters, overhead } = result;
  return [
    '## Gateway overhead',
    '',
    `\`${parameters.query}\` on one subgraph, ${parameters.concurrency} concurrent keep-alive clients on loopback.`,
    `${parameters.rounds} rounds, each straight to the subgraph then through the gateway; a run is ${count(parameters.warmupRequests)} warm-up requests, then ${count(parameters.maxRequests)} requests or ${parameters.maxMs / 1000} s, whichever comes first.`,
    "Every request carries a caller's JWT, which the gateway verifies and the subgraph (open, as a neuron may be) ignores.",
    'Figures are medians over the rounds. The load client runs in a process of its own; the gateway and the subgraph share the bench process, so through the gateway one core serves both.',
    '',
    '| target | requests | requests/s | p50 | p99 | requests/s by round |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    targetRow('straight to the subgraph', result.direct),
    targetRow('through the gateway', result.gateway),
    '',
    `Through the gateway: ${overhead.throughputRatio}× fewer requests/s, p50 +${ms(overhead.p50AddedMs)}, p99 +${ms(overhead.p99AddedMs)}.`,
  ];
}

function propagationSection(result: KeyPropagationResult): string[] {
  const row = (name: string, s: KeyPropagationResult['rotateMs']) => `| ${name} | ${s.count} | ${ms(s.p50)} | ${ms(s.p99)} | ${ms(s.max)} |`;
  return [
    '## Key rotation and revocation → effect in another process',
    '',
    'A rotation or revocation made in the bench process (the vault) and seen by a gateway running as a process of its own (`empire start --only gateway`),',
    `which learns of it through the event bus (\`secret.rotated\` / \`secret.revoked\`). Timed from the vault call to the first answer of that gateway showing the change, polled every ${result.parameters.pollIntervalMs} ms; the call itself (a transaction) is included.`,
    '',
    '| change | samples | p50 | p99 | max |',
    '| --- | ---: | ---: | ---: | ---: |',
    row('rotate: new key in the JWKS', result.rotateMs),
    row('revoke signing key: its tokens refused', result.revokeSigningKeyMs),
    row('revoke API key: refused', result.revokeApiKeyMs),
  ];
}

export function renderMarkdown(report: BenchReport): string {
  const env = report.environment;
  const lines = [
    '# Empire Graph benchmarks',
    '',
    `${env.date} · commit ${env.commit ?? 'unknown'} · Node ${env.node} · ${env.platform} · ${env.cpus} CPUs (${env.cpuModel ?? 'unknown model'}) · ${count(env.totalMemoryMb)} MB RAM · 1-min load average ${env.loadAverageAtStart} at start · whole run ${report.runtimeSeconds} s`,
    '',
    'Everything runs on loopback in one process (the embedded PostgreSQL and the load client aside): registry, gateway and every subgraph server',
    'share one event loop, where a real deployment spreads them over processes and machines. `npm run bench` regenerates this file.',
  ];
  if (report.publishLatency) lines.push('', ...latencySection(report.publishLatency));
  if (report.gatewayOverhead) lines.push('', ...overheadSection(report.gatewayOverhead));
  if (report.keyPropagation) lines.push('', ...propagationSection(report.keyPropagation));
  return `${lines.join('\n')}\n`;
}

/** Writes `<baseName>.json` and `<baseName>.md` under bench/results; returns their paths. */
export async function writeReport(report: BenchReport, baseName: string): Promise<string[]> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const json = `${RESULTS_DIR}${baseName}.json`;
  const markdown = `${RESULTS_DIR}${baseName}.md`;
  await writeFile(json, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(markdown, renderMarkdown(report));
  return [json, markdown];
}
