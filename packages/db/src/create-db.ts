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
  /**
   * Server-side prepared statements for parameterised queries (default on); turn off behind a
   * pooler that cannot keep them (PgBouncer in transaction mode before 1.21).
   */
  preparedStatements?: boolean | undefined;
  /** At most this many distinct statements are prepared per pool (default 500); later ones run unnamed. */
  maxPreparedStatements?: number | undefined;
}

/**
 * A `pg` client that runs every parameterised query as a named prepared statement: each
 * connection parses and plans a statement once, then only binds and executes it (PostgreSQL
 * may keep a generic plan). The pool's clients share one name per text; parameterless
 * statements (BEGIN, COMMIT, multi-statement DDL) stay on the simple protocol.
 */
function preparingClient(limit: number): typeof pg.Client {
  const names = new Map<string, string>();
  const nameOf = (text: string) => {
    let name = names.get(text);
    if (name === undefined && names.size < limit) {
      name = `tally_${names.size}`;
      names.set(text, name);
    }
    return name;
  };
  class PreparingClient extends pg.Client {
    override query(config: any, values?: any, callback?: any): any {
      if (typeof config === "string" && Array.isArray(values) && values.length > 0) {
        const name = nameOf(config);
        if (name) return super.query({ text: config, values, name }, callback);
      }
      return super.query(config, values, callback);
    }
  }
  return PreparingClient;
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
      ...(options.preparedStatements === false
        ? {}
        : { Client: preparingClient(options.maxPreparedStatements ?? 500) }),
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
