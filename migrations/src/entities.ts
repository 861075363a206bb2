import { coreEntities } from '@empire/platform';
import { registryEntities } from '@empire/schema-registry/entities';
import { vaultEntities } from '@empire/subgraph-vault/entities';

/** Every entity of every module: what the live database is compared with. */
export const allEntities = [...coreEntities, ...registryEntities, ...vaultEntities];
