import { EventEmitter } from 'node:events';
import { Supergraph } from '@apollo/federation-internals';
import type { SupergraphManager, SupergraphSdlHook } from '@apollo/gateway';

type SupergraphSdlHookOptions = Parameters<SupergraphSdlHook>[0];

import { type EventBus, EventName, errorMessage, type Logger, sleep } from '@empire/platform';
import { fetchSupergraph, type LoadedSupergraph, type SupergraphDiskCache } from './supergraph-source.ts';

export interface SupergraphManagerOptions {
  registryUrl: string;
  cache: SupergraphDiskCache;
  logger: Logger;
  /** Fallback poll interval; events make the usual path push. */
  pollIntervalMs: number;
  bus?: EventBus;
  /** The gateway's own credential for the registry. */
  authorization?: () => Promise<string | null>;
}

/** Subgraph URLs of a supergraph, by subgraph name. */
export function subgraphUrls(sdl: string): Map<string, string> {
  return new Map(
    Supergraph.build(sdl)
      .subgraphs()
      .values()
      .map((s) => [s.name, s.url]),
  );
}

async function subgraphAnswers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'query __EmpireHealthCheck { __typename }' }),
      signal: AbortSignal.timeout(2_000),
    });
    return response.ok;
  } catch {
    return false;
  }
}

/**
 * Keeps the gateway on the registry's active supergraph: applies a new one as soon as
 * `supergraph.published` arrives (polling only as a fallback), health-checks new or moved
 * subgraphs before swapping, keeps serving the last good supergraph while the registry or the
 * database is down, and saves every applied supergraph to disk for a cold start without them.
 *
 * Emits `updated` (LoadedSupergraph) after every swap.
 */
export class EmpireSupergraphManager extends EventEmitter<{ updated: [LoadedSupergraph] }> implements SupergraphManager {
  readonly #options: SupergraphManagerOptions;
  readonly #logger: Logger;
  #current: LoadedSupergraph | null = null;
  #update: SupergraphSdlHookOptions['update'] | undefined;
  #timer: NodeJS.Timeout | undefined;
  #unsubscribe: (() => void) | undefined;
  #refreshing: Promise<void> | undefined;
  #refreshAgain = false;
  #stopped = false;
  // a published version whose new subgraphs do not answer yet: retried with backoff
  #waitingFor: { version: number; attempts: number } | undefined;

  constructor(options: SupergraphManagerOptions) {
    super();
    this.#options = options;
    this.#logger = options.logger.child({ component: 'supergraph-manager' });
  }

  /** The supergraph being served, or null before the first one is loaded. */
  get current(): LoadedSupergraph | null {
    return this.#current;
  }

  async initialize({ update }: SupergraphSdlHookOptions): Promise<{ supergraphSdl: string; cleanup: () => Promise<void> }> {
    this.#update = update;
    const first = await this.#loadFirst();
    this.#current = first;
    this.emit('updated', first);
    this.#unsubscribe = this.#options.bus?.subscribe(EventName.SupergraphPublished, () => this.refresh());
    this.#timer = setInterval(() => void this.refresh(), this.#options.pollIntervalMs);
    this.#timer.unref();
    return {
      supergraphSdl: first.sdl,
      cleanup: async () => {
        this.stop();
        await this.#refreshing;
      },
    };
  }

  async #loadFirst(): Promise<LoadedSupergraph> {
    for (let attempt = 0; !this.#stopped; attempt++) {
      try {
        const fresh = await fetchSupergraph(this.#options.registryUrl, null, await this.#authorization());
        if (fresh) {
          await this.#options.cache
            .write(fresh)
            .catch((error: unknown) => this.#logger.warn({ err: errorMessage(error) }, 'could not write the supergraph cache'));
          this.#logger.info({ version: fresh.version }, 'loaded supergraph from the registry');
          return fresh;
        }
      } catch (error) {
        const cached = await this.#options.cache.read();
        if (cached) {
          this.#logger.warn({ version: cached.version, err: errorMessage(error) }, 'registry unreachable; serving the cached supergraph');
          return cached;
        }
        if (attempt % 10 === 0) this.#logger.warn({ err: errorMessage(error) }, 'no supergraph yet: registry unreachable and no cache; retrying');
      }
      await sleep(Math.min(1_000, 100 * 2 ** attempt));
    }
    throw new Error('gateway stopped before a supergraph was loaded');
  }

  async #authorization(): Promise<string | null> {
    return (
      (await this.#options.authorization?.().catch((error: unknown) => {
        this.#logger.warn({ err: errorMessage(error) }, 'no credential for the registry');
        return null;
      })) ?? null
    );
  }

  /** Stops polling and any wait for a first supergraph. */
  stop(): void {
    this.#stopped = true;
    clearInterval(this.#timer);
    this.#unsubscribe?.();
  }

  /** Checks the registry now; concurrent calls share one check and queue at most one more. */
  refresh(): Promise<void> {
    if (this.#refreshing) {
      this.#refreshAgain = true;
      return this.#refreshing;
    }
    this.#refreshing = (async () => {
      do {
        this.#refreshAgain = false;
        await this.#refreshOnce();
      } while (this.#refreshAgain && !this.#stopped);
    })().finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  async #refreshOnce(): Promise<void> {
    if (this.#stopped || !this.#update) return;
    let next: LoadedSupergraph | null;
    try {
      next = await fetchSupergraph(this.#options.registryUrl, this.#current?.version ?? null, await this.#authorization());
    } catch (error) {
      this.#logger.warn({ err: errorMessage(error), serving: this.#current?.version }, 'registry unreachable; keeping the current supergraph');
      return;
    }
    if (!next || (this.#current && next.version === this.#current.version)) return;
    const unhealthy = await this.#unhealthyNewSubgraphs(next.sdl);
    if (unhealthy.length) {
      const attempts = this.#waitingFor?.version === next.version ? this.#waitingFor.attempts + 1 : 0;
      this.#waitingFor = { version: next.version, attempts };
      if (attempts === 0)
        this.#logger.warn({ version: next.version, unhealthy }, 'new subgraphs do not answer yet; keeping the current supergraph and retrying');
      setTimeout(() => void this.refresh(), Math.min(this.#options.pollIntervalMs, 250 * 2 ** attempts)).unref();
      return;
    }
    this.#waitingFor = undefined;
    try {
      this.#update(next.sdl);
    } catch (error) {
      this.#logger.error({ version: next.version, err: errorMessage(error) }, 'gateway refused the new supergraph; keeping the current one');
      return;
    }
    this.#current = next;
    this.#logger.info({ version: next.version }, 'now serving supergraph');
    this.emit('updated', next);
    await this.#options.cache.write(next).catch((error: unknown) => this.#logger.warn({ err: errorMessage(error) }, 'could not write the supergraph cache'));
  }

  async #unhealthyNewSubgraphs(sdl: string): Promise<string[]> {
    const before = this.#current ? subgraphUrls(this.#current.sdl) : new Map<string, string>();
    const after = subgraphUrls(sdl);
    const changed = [...after].filter(([name, url]) => before.get(name) !== url);
    const results = await Promise.all(changed.map(async ([name, url]) => ((await subgraphAnswers(url)) ? null : `${name} (${url})`)));
    return results.filter((r): r is string => r !== null);
  }
}
