import { EmpireError, ErrorCode, type EventBus, EventName, eventStream, type RequestAuth, requireScope } from '@empire/platform';
import type { SubgraphResolvers } from '@empire/platform/graphql';
import type { SchemaRegistryService, SupergraphPublishedPayload } from './service.ts';
import type { PublishResult, SchemaVersionRecord } from './types.ts';

interface Args {
  limit?: number;
  id?: string | null;
  version?: number | null;
  input?: Record<string, unknown> & { force?: boolean | null };
}

/** Thin: parse arguments, call the service, shape the result. */
export function registryResolvers(service: SchemaRegistryService, bus: EventBus): SubgraphResolvers<RequestAuth> {
  const publishResult = (result: PublishResult) => ({ ...result, version: result.version });
  return {
    Query: {
      schemaVersions: (_: unknown, args: Args, auth: RequestAuth) => {
        requireScope(auth.principal, 'schema:read');
        return service.history(args.limit ?? 50);
      },
      schemaVersion: (_: unknown, args: Args, auth: RequestAuth) => {
        requireScope(auth.principal, 'schema:read');
        if (args.version != null) return service.byVersion(args.version);
        if (args.id != null) return service.byId(Number(args.id));
        throw new EmpireError(ErrorCode.BadUserInput, 'schemaVersion needs "id" or "version"');
      },
      activeSchemaVersion: (_: unknown, __: Args, auth: RequestAuth) => {
        requireScope(auth.principal, 'schema:read');
        return service.active();
      },
    },
    Mutation: {
      publishSubgraph: async (_: unknown, args: Args, auth: RequestAuth) => {
        const actor = requireScope(auth.principal, 'schema:publish');
        const { force, ...input } = args.input ?? {};
        return publishResult(await service.publish({ author: actor.name, ...input }, { force: force === true }));
      },
      rollbackSchema: async (_: unknown, args: Args, auth: RequestAuth) => {
        const actor = requireScope(auth.principal, 'schema:rollback');
        return publishResult(await service.rollback(Number(args.version), actor.name));
      },
    },
    Subscription: {
      schemaPublished: {
        subscribe: (_: unknown, __: Args, auth: RequestAuth) => {
          requireScope(auth.principal, 'schema:read');
          return eventStream(bus, EventName.SupergraphPublished, async (event) => {
            const version = await service.byId((event.payload as unknown as SupergraphPublishedPayload).id);
            return version ? { schemaPublished: version } : undefined;
          });
        },
      },
    },
    SchemaVersion: {
      __resolveReference: (reference: { id: string }) => service.byId(Number(reference.id)),
      createdAt: (version: SchemaVersionRecord) => version.createdAt.toISOString(),
      subgraphs: (version: SchemaVersionRecord) => version.subgraphs.map(({ name, url }) => ({ name, url })),
      changes: (version: SchemaVersionRecord) => service.changesOf(version.id),
    },
  };
}
