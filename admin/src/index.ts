export { type AdminServer, type AdminServerOptions, buildAdmin, ensureAdminBuilt, startAdminServer } from './admin-server.ts';
