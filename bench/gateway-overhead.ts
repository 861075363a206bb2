import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startSubgraphServer } from '@empire/platform/graphql';
import type { OwnPostgres } from '@empire/platform/testkit';
import { LOOPBACK, pollUntilServed, progress, silentLogger, startRegistryStack, withTeardown } from './bench-stack.ts';
import type { LoadOptions, LoadResult } from './load-client.ts';
import { type Summary, summarize } from './stats.ts';
import { FEDERATION_LINK } from './synthetic-subgraphs.ts';

export interface GatewayOverheadParameters {
  /** Direct and gateway runs alternate, so a burst of background load hits both alike and the median round discounts it. */
  rounds: number;
  concurrency: number;
  warmupRequests: number;
  maxRequests: number;
  maxMs: number;
}

export const gatewayOverheadDefaults: GatewayOverheadParameters = { rounds: 3, concurrency: 16, warmupRequests: 200, maxRequests: 3_000, maxMs: 5_000 };

export interface MeasuredRound extends Omit<LoadResult, 'latencyMs'> {
  latencyMs: Summary;
}

export interface TargetFigures {
  /** Medians over the rounds. */
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  rounds: MeasuredRound[];
}

export interface GatewayOverheadResult {
  parameters: GatewayOverheadParameters & { query: string };
  direct: TargetFigures;
  gateway: TargetFigures;
  overhead: {
    /** Direct requests/s over gateway requests/s. */
    throughputRatio: number;
    p50AddedMs: number;
    p99AddedMs: number;
  };
}

const HELLO_SDL = `${FEDERATION_LINK}\ntype Query {\n  hello: String\n}\n`;
const HELLO_QUERY = '{ hello }';
const HELLO_DATA = { hello: 'world' };
const LOAD_CLIENT = fileURLToPath(new URL('./load-client.ts', import.meta.url));
// beyond the client's own bounds (warm-up and measured phase, each at most maxMs): a hung client is killed
const CLIENT_GRACE_MS = 30_000;

/** Runs the load client in a process of its own against `url` and returns its measurement. */
function runLoadClient(url: string, authorization: string, parameters: GatewayOverheadParameters): Promise<MeasuredRound> {
  const options: LoadOptions = {
    url,
    authorization,
    query: HELLO_QUERY,
    expectedData: JSON.stringify(HELLO_DATA),
    concurrency: parameters.concurrency,
    warmupRequests: parameters.warmupRequests,
    maxRequests: parameters.maxRequests,
    maxMs: parameters.maxMs,
  };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [LOAD_CLIENT], { stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin.end(JSON.stringify(options));
    // a bench that is interrupted must not leave its client behind
    const killChild = () => child.kill('SIGKILL');
    process.once('exit', killChild);
    const timer = setTimeout(killChild, 2 * parameters.maxMs + CLIENT_GRACE_MS);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      process.off('exit', killChild);
      if (code !== 0) return reject(new Error(`the load client against ${url} exited with ${code ?? signal}: ${stderr.trim()}`));
      let result: LoadResult;
      try {
        result = JSON.parse(stdout) as LoadResult;
      } catch {
        return reject(new Error(`the load client against ${url} printed no result: ${stdout.slice(0, 200)}`));
      }
      if (result.errors > 0) return reject(new Error(`${result.errors} of ${result.requests} requests to ${url} failed; first: ${result.firstError}`));
      if (!result.latencyMs) return reject(new Error(`no request to ${url} completed`));
      resolve({ ...result, latencyMs: result.latencyMs });
    });
  });
}

const round = (value: number): number => Math.round(value * 100) / 100;
const median = (values: number[]): number => summarize(values).p50;

function figures(rounds: MeasuredRound[]): TargetFigures {
  return {
    requestsPerSecond: median(rounds.map((r) => r.requestsPerSecond)),
    p50Ms: median(rounds.map((r) => r.latencyMs.p50)),
    p99Ms: median(rounds.map((r) => r.latencyMs.p99)),
    rounds,
  };
}

/**
 * The cost of the gateway hop: the same bounded load on loopback against one subgraph,
 * directly and through a gateway over it, in alternating rounds of the same run.
 */
export function runGatewayOverhead(postgres: OwnPostgres, parameters: GatewayOverheadParameters = gatewayOverheadDefaults): Promise<GatewayOverheadResult> {
  return withTeardown(async (teardown) => {
    const stack = await startRegistryStack(postgres, 'bench_gateway_overhead', teardown);
    const hello = await startSubgraphServer({
      name: 'hello',
      sdl: HELLO_SDL,
      resolvers: { Query: { hello: () => HELLO_DATA.hello } },
      host: LOOPBACK,
      port: 0,
      logger: silentLogger,
    });
    teardown.add('subgraph hello', hello.close);
    await stack.publish({ name: hello.name, url: hello.graphqlUrl, sdl: HELLO_SDL });
    const gateway = await stack.startGateway();
    // every request carries a caller's JWT, so the gateway's figures include verifying it
    const authorization = await stack.callerAuthorization();
    await pollUntilServed(gateway.graphqlUrl, HELLO_QUERY, (data) => data.hello === HELLO_DATA.hello, { authorization, intervalMs: 20, timeoutMs: 30_000 });

    const directRounds: MeasuredRound[] = [];
    const gatewayRounds: MeasuredRound[] = [];
    for (let i = 1; i <= parameters.rounds; i++) {
      progress(`gateway overhead: round ${i} of ${parameters.rounds}, straight to the subgraph, then through the gateway`);
      directRounds.push(await runLoadClient(hello.graphqlUrl, authorization, parameters));
      gatewayRounds.push(await runLoadClient(gateway.graphqlUrl, authorization, parameters));
    }
    const direct = figures(directRounds);
    const throughGateway = figures(gatewayRounds);
    return {
      parameters: { ...parameters, query: HELLO_QUERY },
      direct,
      gateway: throughGateway,
      overhead: {
        throughputRatio: round(direct.requestsPerSecond / throughGateway.requestsPerSecond),
        p50AddedMs: round(throughGateway.p50Ms - direct.p50Ms),
        p99AddedMs: round(throughGateway.p99Ms - direct.p99Ms),
      },
    };
  });
}
