import { index, type RouteConfig, route } from '@remix-run/route-config';

export default [
  index('routes/index-redirect.tsx'),
  route('login', 'routes/login.tsx'),
  route('logout', 'routes/logout.tsx'),
  route('schema', 'routes/schema-overview.tsx'),
  route('schema/:version', 'routes/schema-version.tsx'),
  route('vault', 'routes/vault.tsx'),
  route('audit', 'routes/audit.tsx'),
  route('admin/db-health', 'routes/db-health.tsx'),
] satisfies RouteConfig;
