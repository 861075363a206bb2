import { EmpireError, ErrorCode, type EventBus, EventName, type Logger } from '@empire/platform';
import { buildSchema, type ComposedSupergraph, composeSupergraph, diffApiSchemas, fieldCoordinates } from './composition.ts';
import { securityChanges } from './security-features.ts';
import type { SchemaVersionStore } from './store.ts';
import {
  type CheckResult,
  type PublishInput,
  type PublishResult,
  riskOf,
  type SchemaChangeRecord,
  type SchemaVersionRecord,
  type SubgraphDefinition,
} from './types.ts';

const NAME_PATTERN = /^[a-zA-Z][a-zA-Z0-9_-]{0,62}$/;
const MAX_SDL_BYTES = 2_000_000;

/** Payload of the `supergraph.published` event. */
export interface SupergraphPublishedPayload {
  id: number;
  version: number;
  riskLevel: string;
  trigger: string;
  subgraphName: string | null;
}

/** Validates a publish request; throws BAD_USER_INPUT naming every bad field. */
export function validatePublishInput(input: unknown): PublishInput {
  const problems: string[] = [];
  const value = (input ?? {}) as Record<string, unknown>;
  const text = (key: string, required: boolean): string | null => {
    const v = value[key];
    if (v === undefined || v === null || v === '') {
      if (required) problems.push(`"${key}" is required`);
      return null;
    }
    if (typeof v !== 'string') {
      problems.push(`"${key}" must be a string`);
      return null;
    }
    return v;
  };
  const name = text('name', true);
  const url = text('url', true);
  const sdl = text('sdl', true);
  const author = text('author', false);
  const commit = text('commit', false);
  const message = text('message', false);
  if (name && !NAME_PATTERN.test(name)) problems.push(`"name" must start with a letter and hold only letters, digits, "-" and "_" (at most 63), got "${name}"`);
  if (url) {
    try {
      const parsed = new URL(url);
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') problems.push(`"url" must be an http(s) URL, got "${url}"`);
    } catch {
      problems.push(`"url" must be an http(s) URL, got "${url}"`);
    }
  }
  if (sdl && Buffer.byteLength(sdl) > MAX_SDL_BYTES) problems.push(`"sdl" is larger than ${MAX_SDL_BYTES} bytes`);
  if (problems.length) throw new EmpireError(ErrorCode.BadUserInput, `Invalid publish request: ${problems.join('; ')}`, { details: { problems } });
  return { name: name as string, url: url as string, sdl: sdl as string, author, commit, message };
}

function intersect(a: Set<string>, b: Set<string>): Set<string> {
  return new Set([...a].filter((x) => b.has(x)));
}

function versionSdls(supergraph: ComposedSupergraph) {
  return {
    supergraphSdl: supergraph.supergraphSdl,
    apiSchemaSdl: supergraph.apiSchemaSdl,
    gatewaySupergraphSdl: supergraph.gateway.sdl,
    policies: supergraph.gateway.policies,
  };
}

function sameSubgraph(a: SubgraphDefinition, b: SubgraphDefinition): boolean {
  return a.name === b.name && a.url === b.url && a.sdl.trim() === b.sdl.trim();
}

function withSubgraph(current: readonly SubgraphDefinition[], next: SubgraphDefinition): SubgraphDefinition[] {
  const others = current.filter((s) => s.name !== next.name);
  return [...others, next].sort((a, b) => a.name.localeCompare(b.name));
}

type Evaluation =
  | { kind: 'unchanged' }
  | { kind: 'rejected'; errors: string[]; changes: SchemaChangeRecord[] }
  | { kind: 'ok'; subgraphs: SubgraphDefinition[]; supergraph: ComposedSupergraph; changes: SchemaChangeRecord[] };

/**
 * Publish → compose → diff → store → notify. Every publish and rollback is serialised by the
 * store's lock, so a version is always composed against the version it replaces.
 */
export class SchemaRegistryService {
  readonly #store: SchemaVersionStore;
  readonly #bus: EventBus;
  readonly #logger: Logger;

  constructor(deps: { store: SchemaVersionStore; bus: EventBus; logger: Logger }) {
    this.#store = deps.store;
    this.#bus = deps.bus;
    this.#logger = deps.logger.child({ component: 'schema-registry' });
  }

  async #evaluate(active: SchemaVersionRecord | null, subgraphs: SubgraphDefinition[], force: boolean): Promise<Evaluation> {
    const composed = composeSupergraph(subgraphs);
    if (!composed.ok) return { kind: 'rejected', errors: composed.errors, changes: [] };
    const apiChanges = await diffApiSchemas(active?.apiSchemaSdl ?? null, composed.supergraph.apiSchema);
    const stillThere = active
      ? intersect(fieldCoordinates(buildSchema(active.apiSchemaSdl)), fieldCoordinates(composed.supergraph.apiSchema))
      : new Set<string>();
    const changes = [...apiChanges, ...securityChanges(active?.policies ?? {}, composed.supergraph.gateway.policies, stillThere)];
    const breaking = changes.filter((c) => c.criticality === 'BREAKING');
    if (breaking.length && !force) {
      const errors = [
        `${ErrorCode.BreakingChangeBlocked}: ${breaking.length} breaking change(s); publish with --force (force: true) to accept them`,
        ...breaking.map((c) => c.message),
      ];
      return { kind: 'rejected', errors, changes };
    }
    return { kind: 'ok', subgraphs, supergraph: composed.supergraph, changes };
  }

  /** What publishing would do, without storing anything. */
  async check(rawInput: unknown, options: { force?: boolean } = {}): Promise<CheckResult> {
    const input = validatePublishInput(rawInput);
    const active = await this.#store.active();
    if (active?.subgraphs.some((s) => sameSubgraph(s, input))) return { status: 'UNCHANGED', changes: [], errors: [] };
    const evaluation = await this.#evaluate(active, withSubgraph(active?.subgraphs ?? [], input), options.force === true);
    if (evaluation.kind === 'rejected') return { status: 'REJECTED', changes: evaluation.changes, errors: evaluation.errors };
    if (evaluation.kind === 'unchanged') return { status: 'UNCHANGED', changes: [], errors: [] };
    return { status: 'PASSED', changes: evaluation.changes, errors: [] };
  }

  async publish(rawInput: unknown, options: { force?: boolean } = {}): Promise<PublishResult> {
    const input = validatePublishInput(rawInput);
    const result = await this.#store.locked(async (em) => {
      const active = await this.#store.active(em);
      if (active?.subgraphs.some((s) => sameSubgraph(s, input)))
        return { status: 'UNCHANGED', version: active, changes: [], errors: [] } satisfies PublishResult;
      const evaluation = await this.#evaluate(active, withSubgraph(active?.subgraphs ?? [], input), options.force === true);
      if (evaluation.kind !== 'ok')
        return {
          status: 'REJECTED',
          version: null,
          changes: evaluation.kind === 'rejected' ? evaluation.changes : [],
          errors: evaluation.kind === 'rejected' ? evaluation.errors : [],
        } satisfies PublishResult;
      const version = await this.#store.insertActive(
        em,
        {
          ...versionSdls(evaluation.supergraph),
          subgraphs: evaluation.subgraphs,
          riskLevel: riskOf(evaluation.changes),
          trigger: 'PUBLISH',
          subgraphName: input.name,
          author: input.author ?? null,
          commit: input.commit ?? null,
          message: input.message ?? null,
          rolledBackTo: null,
          changes: evaluation.changes,
        },
        active?.id ?? null,
      );
      await this.#announce(version, em);
      return { status: 'PUBLISHED', version, changes: evaluation.changes, errors: [] } satisfies PublishResult;
    });
    this.#logger.info({ subgraph: input.name, status: result.status, version: result.version?.version, changes: result.changes.length }, 'publish');
    return result;
  }

  /** Makes version `target`'s subgraph set active again, as a new version diffed against the current one. */
  async rollback(target: number, actor: string | null = null): Promise<PublishResult> {
    if (!Number.isInteger(target) || target < 1) throw new EmpireError(ErrorCode.BadUserInput, `"version" must be a positive whole number, got ${target}`);
    return this.#store.locked(async (em) => {
      const [active, restored] = await Promise.all([this.#store.active(em), this.#store.byVersion(target, em)]);
      if (!restored) throw new EmpireError(ErrorCode.NotFound, `Schema version ${target} does not exist`);
      if (active && active.supergraphSdl === restored.supergraphSdl)
        return { status: 'UNCHANGED', version: active, changes: [], errors: [] } satisfies PublishResult;
      // a rollback is an explicit decision to go back, breaking changes included
      const evaluation = await this.#evaluate(active, restored.subgraphs, true);
      if (evaluation.kind !== 'ok')
        return { status: 'REJECTED', version: null, changes: [], errors: evaluation.kind === 'rejected' ? evaluation.errors : [] } satisfies PublishResult;
      const version = await this.#store.insertActive(
        em,
        {
          ...versionSdls(evaluation.supergraph),
          subgraphs: evaluation.subgraphs,
          riskLevel: riskOf(evaluation.changes),
          trigger: 'ROLLBACK',
          subgraphName: null,
          author: actor,
          commit: null,
          message: `Rollback to version ${target}`,
          rolledBackTo: target,
          changes: evaluation.changes,
        },
        active?.id ?? null,
      );
      await this.#announce(version, em);
      return { status: 'PUBLISHED', version, changes: evaluation.changes, errors: [] } satisfies PublishResult;
    });
  }

  async #announce(version: SchemaVersionRecord, em: Parameters<EventBus['publish']>[2]): Promise<void> {
    const payload: SupergraphPublishedPayload = {
      id: version.id,
      version: version.version,
      riskLevel: version.riskLevel,
      trigger: version.trigger,
      subgraphName: version.subgraphName,
    };
    await this.#bus.publish(EventName.SupergraphPublished, payload, em);
  }

  active(): Promise<SchemaVersionRecord | null> {
    return this.#store.active();
  }

  history(limit = 50): Promise<SchemaVersionRecord[]> {
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
      throw new EmpireError(ErrorCode.BadUserInput, `"limit" must be between 1 and 1000, got ${limit}`);
    return this.#store.history(limit);
  }

  byVersion(version: number): Promise<SchemaVersionRecord | null> {
    return this.#store.byVersion(version);
  }

  byId(id: number): Promise<SchemaVersionRecord | null> {
    return this.#store.byId(id);
  }

  changesOf(versionId: number): Promise<SchemaChangeRecord[]> {
    return this.#store.changesOf(versionId);
  }
}
