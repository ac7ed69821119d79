import { type Kysely, sql } from "kysely";
import { type Migration, type MigrationProvider, Migrator, NO_MIGRATIONS } from "kysely/migration";
import * as initial from "./migrations/2026-11-22T00-00-00_initial.ts";
import * as liveHolds from "./migrations/2026-11-22T08-00-00_live-holds.ts";
import * as programs from "./migrations/2026-11-23T00-00-00_programs.ts";
import * as importIndexes from "./migrations/2026-11-29T00-00-00_import-indexes.ts";
import * as customerMigrationKeys from "./migrations/2026-11-29T10-00-00_customer-migration-keys.ts";
import * as budgetDivision from "./migrations/2026-11-29T12-00-00_budget-division.ts";
import * as eventsLz4 from "./migrations/2026-11-29T13-00-00_events-lz4.ts";
import * as tierDemotedAt from "./migrations/2026-11-29T16-00-00_tier-demoted-at.ts";
import * as deviceTokenTtlBound from "./migrations/2026-12-07T00-00-00_device-token-ttl-bound.ts";
import * as internalApi from "./migrations/2026-12-15T00-00-00_internal-api.ts";
import * as catalogApi from "./migrations/2026-12-16T00-00-00_catalog-api.ts";
import * as webhooks from "./migrations/2026-12-16T00-00-00_webhooks.ts";
import * as adjustments from "./migrations/2026-12-17T00-00-00_adjustments.ts";
import * as accountOperations from "./migrations/2026-12-20T00-00-00_account-operations.ts";

/** Migrations in order. Names are timestamps; a merged migration never changes. */
const migrations: Record<string, Migration> = {
  "2026-11-22T00-00-00_initial": initial,
  "2026-11-22T08-00-00_live-holds": liveHolds,
  "2026-11-23T00-00-00_programs": programs,
  "2026-11-29T00-00-00_import-indexes": importIndexes,
  "2026-11-29T10-00-00_customer-migration-keys": customerMigrationKeys,
  "2026-11-29T12-00-00_budget-division": budgetDivision,
  "2026-11-29T13-00-00_events-lz4": eventsLz4,
  "2026-11-29T16-00-00_tier-demoted-at": tierDemotedAt,
  "2026-12-07T00-00-00_device-token-ttl-bound": deviceTokenTtlBound,
  "2026-12-15T00-00-00_internal-api": internalApi,
  "2026-12-16T00-00-00_catalog-api": catalogApi,
  "2026-12-16T00-00-00_webhooks": webhooks,
  "2026-12-17T00-00-00_adjustments": adjustments,
  "2026-12-20T00-00-00_account-operations": accountOperations,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** Brings the schema to the latest migration; throws with the failing migration's error. */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).map((r) => r.migrationName);
}

/**
 * Takes the schema back to just after migration `name` (every later one's `down`, newest
 * first), or to before the first with null; answers the migrations undone.
 */
export async function migrateBackTo(db: Kysely<any>, name: string | null): Promise<string[]> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateTo(name ?? NO_MIGRATIONS);
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).map((r) => r.migrationName);
}

/** How the database's schema stands against this code's migrations. */
export interface MigrationStatus {
  /** This code's migrations not applied yet: the schema is behind. */
  pending: string[];
  /** Applied migrations this code does not know: a newer version migrated the database. */
  unknown: string[];
}

/** Compares the migrations this code has with the ones applied (two cheap reads, no lock). */
export async function migrationStatus(db: Kysely<any>): Promise<MigrationStatus> {
  const known = Object.keys(migrations);
  const applied = new Set(
    (
      await sql<{ name: string }>`select name from kysely_migration`
        .execute(db)
        .catch((error: { code?: string }) => {
          // No migration table yet (42P01): nothing is applied. Anything else is a real failure.
          if (error.code === "42P01") return { rows: [] as { name: string }[] };
          throw error;
        })
    ).rows.map((r) => r.name),
  );
  return {
    pending: known.filter((name) => !applied.has(name)),
    unknown: [...applied].filter((name) => !known.includes(name)).sort(),
  };
}
