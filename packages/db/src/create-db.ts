import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { Kysely, type KyselyConfig, PGliteDialect, PostgresDialect } from "kysely";
import pg from "pg";
import type { Database } from "./tables/database.ts";

export type Db = Kysely<Database>;

export interface CreateDbOptions {
  /** PostgreSQL connection string; when absent the embedded PGlite is used. */
  databaseUrl?: string | undefined;
  /** PGlite data directory; absent = in memory. Ignored with databaseUrl. */
  dataDir?: string | undefined;
  /** pg pool size. */
  poolSize?: number | undefined;
  /** Kysely's query log hook (e.g. for profiling). */
  log?: KyselyConfig["log"];
}

const OID_INT8 = 20;
const OID_DATE = 1082;

/**
 * The one place where driver differences are normalised: both drivers hand the
 * engine NUMERIC as exact strings, int8 counts as numbers, timestamptz as Date
 * and `date` as its 'YYYY-MM-DD' text.
 */
function pgTypes() {
  const parsers: Record<number, (v: string) => unknown> = {
    [OID_INT8]: (v) => Number(v),
    [OID_DATE]: (v) => v,
  };
  return {
    getTypeParser: (oid: number, format?: "text" | "binary") =>
      parsers[oid] ?? pg.types.getTypeParser(oid, format as "text"),
  };
}

/** Builds the Kysely instance: PostgreSQL through `pg` when a URL is given, else embedded PGlite. */
export function createDb(options: CreateDbOptions = {}): { db: Db; kind: "postgres" | "pglite" } {
  if (options.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
      types: pgTypes() as pg.CustomTypesConfig,
    });
    // An idle client dropped by the server (restart, terminate) must not crash the process.
    pool.on("error", (error) => console.error(`idle PostgreSQL connection lost: ${error.message}`));
    return {
      db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log: options.log }),
      kind: "postgres",
    };
  }
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const pglite = new PGlite({
    dataDir: options.dataDir,
    parsers: { [OID_DATE]: (v: string) => v },
  });
  return {
    db: new Kysely<Database>({ dialect: new PGliteDialect({ pglite }), log: options.log }),
    kind: "pglite",
  };
}
