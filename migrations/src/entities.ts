import { coreEntities } from '@empire/platform';

/** Every entity of every module: what the live database is compared with. */
export const allEntities = [...coreEntities];
