export {
  type CreateDbOptions,
  createDb,
  type Db,
  type OpenedDb,
  openDb,
  type PoolStats,
  pgPoolOf,
} from "./create-db.ts";
export { type DbEnv, orExit, parseEnv, ZDbEnvSchema } from "./env.ts";
export {
  type MigrationStatus,
  migrateBackTo,
  migrateToLatest,
  migrationStatus,
} from "./migrate.ts";
export type * from "./tables/account.table.ts";
export type * from "./tables/catalog.table.ts";
export type * from "./tables/customer.table.ts";
export type { Database } from "./tables/database.ts";
export type * from "./tables/import-checkpoint.table.ts";
export type * from "./tables/ledger.table.ts";
export type * from "./tables/programs.table.ts";
export type { Numeric, Timestamp } from "./tables/types.ts";
export type * from "./tables/webhook.table.ts";

/** Serialises a value for a jsonb column (pg would turn JS arrays into SQL arrays). */
export const json = (value: unknown): string => JSON.stringify(value ?? null);
