import { composeServices } from '@apollo/composition';
import type { RunningGateway } from '@empire/gateway';
import type { RunningSubgraph } from '@empire/platform/graphql';
import { type OwnPostgres, waitFor } from '@empire/platform/testkit';
import { parse } from 'graphql';
import { pollUntilServed, progress, type RegistryStack, startRegistryStack, type Teardown, withTeardown } from './bench-stack.ts';
import { type Summary, summarize } from './stats.ts';
import { itemSubgraphSdl, itemsQuery, revisionField, startItemSubgraph } from './synthetic-subgraphs.ts';

export interface PublishLatencyParameters {
  subgraphCounts: number[];
  /** Measured publishes per subgraph count, after `warmupIterations` unmeasured ones. */
  iterations: number;
  warmupIterations: number;
  /** Measuring at one count stops early once this much time has passed. */
  timeBudgetPerCountMs: number;
  /** Sleep between two queries while waiting for the gateway to serve the new field. */
  pollIntervalMs: number;
  /** A publish the gateway has not served after this long fails the benchmark. */
  servedTimeoutMs: number;
  composeRuns: number;
}

export const publishLatencyDefaults: PublishLatencyParameters = {
  subgraphCounts: [10, 50, 100],
  iterations: 30,
  warmupIterations: 1,
  timeBudgetPerCountMs: 60_000,
  pollIntervalMs: 2,
  servedTimeoutMs: 30_000,
  composeRuns: 5,
};

export interface PublishLatencyAtCount {
  /** Synthetic subgraphs; the supergraph also holds the registry's own subgraph. */
  subgraphs: number;
  composedSubgraphs: number;
  /** Starting and publishing the subgraphs added for this count, until the gateway served them all. */
  setupMs: number;
  /** Resident memory of the one process hosting PostgreSQL's clients, the registry, the gateway and every subgraph. */
  rssMb: number;
  stoppedBy: 'count' | 'time';
  /** From the publish request to the first gateway answer with the new field. */
  publishToServedMs: Summary;
  /** The publish request alone: compose, diff, store, notify. */
  publishCallMs: Summary;
  /** From the publish request to the gateway swapping in the new supergraph. */
  publishToSwapMs: Summary;
  /** `composeServices` alone on the same (already parsed) subgraph set, median of `composeRuns`. */
  composeServicesMs: { median: number; runs: number[] };
}

export interface PublishLatencyResult {
  parameters: PublishLatencyParameters;
  counts: PublishLatencyAtCount[];
}

// the subgraph whose SDL every measured publish changes (adds one field to)
const CHANGING_INDEX = 0;

interface Fleet {
  stack: RegistryStack;
  teardown: Teardown;
  subgraphs: RunningSubgraph[];
  revisionCapacity: number;
  revision: number;
  lastVersion: number;
}

async function growTo(fleet: Fleet, count: number): Promise<void> {
  while (fleet.subgraphs.length < count) {
    const index = fleet.subgraphs.length;
    const server = await startItemSubgraph(index, index === CHANGING_INDEX ? fleet.revisionCapacity : 0);
    fleet.teardown.add(`subgraph ${server.name}`, server.close);
    fleet.subgraphs.push(server);
    fleet.lastVersion = await fleet.stack.publish({
      name: server.name,
      url: server.graphqlUrl,
      sdl: itemSubgraphSdl(index, index === CHANGING_INDEX ? fleet.revision : 0),
    });
  }
}

async function waitUntilCaughtUp(fleet: Fleet, gateway: RunningGateway): Promise<void> {
  const newest = itemsQuery(fleet.subgraphs.length - 1);
  await pollUntilServed(gateway.graphqlUrl, newest.query, (data) => Array.isArray(data[newest.field]), {
    authorization: await fleet.stack.callerAuthorization(),
    intervalMs: 20,
    timeoutMs: 60_000,
  });
  await waitFor(() => (gateway.manager.current?.version === fleet.lastVersion ? true : undefined), {
    timeoutMs: 30_000,
    what: `the gateway to serve supergraph version ${fleet.lastVersion}`,
  });
}

interface PublishTiming {
  callMs: number;
  swapMs: number;
  servedMs: number;
}

/** Publishes the changing subgraph with one more field and times it until the gateway serves that field. */
async function publishOneRevision(fleet: Fleet, gateway: RunningGateway, parameters: PublishLatencyParameters): Promise<PublishTiming> {
  const changing = fleet.subgraphs[CHANGING_INDEX];
  if (!changing) throw new Error('the changing subgraph is not running');
  if (fleet.revision >= fleet.revisionCapacity) throw new Error(`the changing subgraph serves only ${fleet.revisionCapacity} revision fields`);
  fleet.revision += 1;
  const field = revisionField(fleet.revision);
  let swappedAt: number | undefined;
  const onUpdated = () => {
    swappedAt ??= performance.now();
  };
  gateway.manager.on('updated', onUpdated);
  try {
    const authorization = await fleet.stack.callerAuthorization();
    const start = performance.now();
    const version = await fleet.stack.publish({ name: changing.name, url: changing.graphqlUrl, sdl: itemSubgraphSdl(CHANGING_INDEX, fleet.revision) });
    const publishedAt = performance.now();
    const answer = await pollUntilServed(gateway.graphqlUrl, `{ ${field} }`, (data) => data[field] === field, {
      authorization,
      intervalMs: parameters.pollIntervalMs,
      timeoutMs: parameters.servedTimeoutMs,
    });
    const servedAt = performance.now();
    fleet.lastVersion = version;
    if (answer.version !== version) throw new Error(`the gateway served ${field} from supergraph version ${answer.version}, expected ${version}`);
    if (swappedAt === undefined) throw new Error(`the gateway served ${field} without announcing a swap`);
    return { callMs: publishedAt - start, swapMs: swappedAt - start, servedMs: servedAt - start };
  } finally {
    gateway.manager.off('updated', onUpdated);
  }
}

async function timeComposeServices(fleet: Fleet, runs: number): Promise<{ median: number; runs: number[] }> {
  const active = await fleet.stack.registry.service.active();
  if (!active) throw new Error('the registry has no active supergraph');
  const definitions = active.subgraphs.map((s) => ({ name: s.name, url: s.url, typeDefs: parse(s.sdl) }));
  const durations: number[] = [];
  for (let run = 0; run < runs; run++) {
    const start = performance.now();
    const composed = composeServices(definitions);
    durations.push(Math.round((performance.now() - start) * 100) / 100);
    if (composed.errors) throw new Error(`composeServices failed on the registry's own subgraph set: ${composed.errors.map((e) => e.message).join('; ')}`);
  }
  return { median: summarize(durations).p50, runs: durations };
}

async function measureAtCount(fleet: Fleet, gateway: RunningGateway, parameters: PublishLatencyParameters, setupMs: number): Promise<PublishLatencyAtCount> {
  const count = fleet.subgraphs.length;
  for (let i = 0; i < parameters.warmupIterations; i++) await publishOneRevision(fleet, gateway, parameters);
  const timings: PublishTiming[] = [];
  const deadline = performance.now() + parameters.timeBudgetPerCountMs;
  let stoppedBy: PublishLatencyAtCount['stoppedBy'] = 'count';
  while (timings.length < parameters.iterations) {
    if (performance.now() > deadline) {
      stoppedBy = 'time';
      break;
    }
    timings.push(await publishOneRevision(fleet, gateway, parameters));
  }
  progress(`publish latency: ${count} subgraphs, ${timings.length} publishes measured; timing composeServices alone`);
  const composeServicesMs = await timeComposeServices(fleet, parameters.composeRuns);
  return {
    subgraphs: count,
    composedSubgraphs: count + 1,
    setupMs: Math.round(setupMs),
    rssMb: Math.round(process.memoryUsage().rss / 1_000_000),
    stoppedBy,
    publishToServedMs: summarize(timings.map((t) => t.servedMs)),
    publishCallMs: summarize(timings.map((t) => t.callMs)),
    publishToSwapMs: summarize(timings.map((t) => t.swapMs)),
    composeServicesMs,
  };
}

/**
 * Publish → served latency at growing subgraph counts. One registry and one gateway (push
 * reload, polling out of the way) over real subgraph servers; the fleet grows from one count
 * to the next, so the setup publishes each subgraph once.
 */
export function runPublishLatency(postgres: OwnPostgres, parameters: PublishLatencyParameters = publishLatencyDefaults): Promise<PublishLatencyResult> {
  return withTeardown(async (teardown) => {
    const stack = await startRegistryStack(postgres, 'bench_publish_latency', teardown);
    const fleet: Fleet = {
      stack,
      teardown,
      subgraphs: [],
      revisionCapacity: (parameters.iterations + parameters.warmupIterations) * parameters.subgraphCounts.length,
      revision: 0,
      lastVersion: 0,
    };
    let gateway: RunningGateway | undefined;
    const counts: PublishLatencyAtCount[] = [];
    for (const count of parameters.subgraphCounts) {
      progress(`publish latency: starting and publishing subgraphs up to ${count}`);
      const setupStart = performance.now();
      await growTo(fleet, count);
      gateway ??= await stack.startGateway();
      await waitUntilCaughtUp(fleet, gateway);
      const setupMs = performance.now() - setupStart;
      progress(`publish latency: ${count} subgraphs served after ${Math.round(setupMs)} ms; measuring`);
      counts.push(await measureAtCount(fleet, gateway, parameters, setupMs));
    }
    return { parameters, counts };
  });
}
