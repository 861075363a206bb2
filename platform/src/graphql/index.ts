export { healthRoutes, type ReadinessCheck } from './health-routes.ts';
export { type EmpireHttpServer, HttpError, type HttpServerOptions, type RouteHandler, readJsonBody, sendJson, startHttpServer } from './http-server.ts';
export { callRegistry, type PublishRequest, publishToRegistry, type RegistryAnswer } from './registry-client.ts';
export {
  formatEmpireError,
  type RunningSubgraph,
  type SubgraphResolvers,
  type SubgraphServerOptions,
  startSubgraphServer,
} from './subgraph-server.ts';
