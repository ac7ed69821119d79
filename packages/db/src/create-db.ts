import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { Kysely, type KyselyConfig, PGliteDialect, PostgresDialect } from "kysely";
import pg from "pg";
import { type DbEnv, orExit } from "./env.ts";
import type { Database } from "./tables/database.ts";

export type Db = Kysely<Database>;

export interface CreateDbOptions {
  /** PostgreSQL connection string; when absent the embedded PGlite is used. */
  databaseUrl?: string | undefined;
  /** PGlite data directory; absent = in memory. Ignored with databaseUrl. */
  dataDir?: string | undefined;
  /** PGlite only: start from this data-directory tarball (`dumpDataDir`) instead of `initdb`. */
  loadDataDir?: Blob | undefined;
  /** pg pool size. */
  poolSize?: number | undefined;
  /** Kysely's query log hook (e.g. for profiling). */
  log?: KyselyConfig["log"];
  /**
   * Server-side prepared statements for parameterised queries (default on); turn off behind a
   * pooler that cannot keep them (PgBouncer in transaction mode before 1.21).
   */
  preparedStatements?: boolean | undefined;
  /**
   * At most this many distinct statements are prepared per pool (default 200), each from its
   * second use; later ones run unnamed.
   */
  maxPreparedStatements?: number | undefined;
}

/**
 * Errors after which a connection's prepared statement is stale: its result type changed (a
 * column added by a migration another process ran) or it is gone.
 */
const STALE_STATEMENT_CODES = new Set(["0A000", "26000"]);

/**
 * A `pg` client that runs a parameterised query, from the second time its text is seen, as a
 * named prepared statement: each connection parses and plans it once, then only binds and
 * executes it (PostgreSQL may keep a generic plan). The pool's clients share one name per text;
 * parameterless statements (BEGIN, COMMIT, multi-statement DDL) stay on the simple protocol.
 * A statement that failed as stale is prepared again under a new name on that connection, so
 * only the query that met it fails.
 */
function preparingClient(limit: number): typeof pg.Client {
  const names = new Map<string, string>();
  const seen = new Set<string>();
  let generation = 0;
  const nameOf = (text: string) => {
    const name = names.get(text);
    if (name !== undefined || names.size >= limit) return name;
    if (!seen.has(text)) {
      if (seen.size >= 10 * limit) seen.clear();
      seen.add(text);
      return undefined;
    }
    seen.delete(text);
    const fresh = `tally_${names.size}`;
    names.set(text, fresh);
    return fresh;
  };
  class PreparingClient extends pg.Client {
    /** This connection's names for texts whose shared statement went stale on it. */
    readonly #renamed = new Map<string, string>();

    override query(config: any, values?: any, callback?: any): any {
      if (typeof config === "string" && Array.isArray(values) && values.length > 0) {
        const shared = nameOf(config);
        if (shared) {
          const retire = (error: { code?: unknown } | null) => {
            if (STALE_STATEMENT_CODES.has(String(error?.code))) {
              this.#renamed.set(config, `${shared}_${++generation}`);
            }
          };
          const named = { text: config, values, name: this.#renamed.get(config) ?? shared };
          if (typeof callback === "function") {
            return super.query(named, (error: Error | null, result: unknown) => {
              retire(error as { code?: unknown } | null);
              callback(error, result);
            });
          }
          return super.query(named).catch((error: { code?: unknown }) => {
            retire(error);
            throw error;
          });
        }
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

/** Whether a process of that pid runs (signal 0 only checks). */
function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Takes `<dataDir>.lock` for this process, or throws naming the process that holds it: an
 * embedded data folder is one process's alone (a second one opening it answers success and its
 * writes are lost). A lock whose process is gone (killed) is taken over. Answers the release.
 */
function lockDataDir(dataDir: string): () => void {
  const path = `${resolve(dataDir)}.lock`;
  const mine = String(process.pid);
  for (;;) {
    try {
      writeFileSync(path, mine, { flag: "wx" });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const holder = Number(readFileSync(path, "utf8"));
    if (alive(holder))
      throw new Error(
        `the embedded database in ${dataDir} is in use by process ${holder} (pnpm start?): stop it first, or use DATABASE_URL`,
      );
    unlinkSync(path); // left by a process that died; the next try takes it (or loses to another)
  }
  const release = () => {
    try {
      if (readFileSync(path, "utf8") === mine) unlinkSync(path);
    } catch {}
  };
  process.once("exit", release);
  return release;
}

/** The connection pool's standing, for metrics (PostgreSQL only). */
export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
}

/** An opened database: Kysely, which kind, and on PostgreSQL its pool's standing. */
export interface OpenedDb {
  db: Db;
  kind: "postgres" | "pglite";
  poolStats?: () => PoolStats;
}

const POOLS = new WeakMap<Db, pg.Pool>();

/**
 * The `pg` pool under a PostgreSQL Db (undefined for PGlite): for what Kysely cannot say, such
 * as COPY (the importer streams its rows through it). Clients taken from it must be released.
 */
export const pgPoolOf = (db: Db): pg.Pool | undefined => POOLS.get(db);

/** Builds the Kysely instance: PostgreSQL through `pg` when a URL is given, else embedded PGlite. */
export function createDb(options: CreateDbOptions = {}): OpenedDb {
  if (options.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
      types: pgTypes() as pg.CustomTypesConfig,
      ...(options.preparedStatements === false
        ? {}
        : { Client: preparingClient(options.maxPreparedStatements ?? 200) }),
    });
    // An idle client dropped by the server (restart, terminate) must not crash the process.
    pool.on("error", (error) => console.error(`idle PostgreSQL connection lost: ${error.message}`));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log: options.log });
    POOLS.set(db, pool);
    return {
      db,
      kind: "postgres",
      poolStats: () => ({
        total: pool.totalCount,
        idle: pool.idleCount,
        waiting: pool.waitingCount,
      }),
    };
  }
  let release = () => {};
  if (options.dataDir) {
    mkdirSync(options.dataDir, { recursive: true });
    release = lockDataDir(options.dataDir);
  }
  const pglite = new PGlite({
    dataDir: options.dataDir,
    loadDataDir: options.loadDataDir,
    parsers: { [OID_DATE]: (v: string) => v },
  });
  const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }), log: options.log });
  const destroy = db.destroy.bind(db);
  db.destroy = async () => {
    await destroy();
    release();
  };
  return { db, kind: "pglite" };
}

/** Opens the database `env` names (PostgreSQL, else the embedded one), or exits naming why. */
export function openDb(env: DbEnv): OpenedDb {
  return orExit(() =>
    createDb({
      databaseUrl: env.DATABASE_URL,
      dataDir: env.TALLY_DATA_DIR,
      poolSize: env.DB_POOL_SIZE,
      preparedStatements: env.DB_PREPARED_STATEMENTS === "on",
    }),
  );
}
