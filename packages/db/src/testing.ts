import { randomBytes } from "node:crypto";
import { sql, type Transaction } from "kysely";
import pg from "pg";
import { createDb, type Db } from "./create-db.ts";
import type { Database } from "./tables/database.ts";
import { migratedPgliteTarball, migratedPostgresTemplate } from "./testing-template.ts";

export { seedPgliteDataDir } from "./testing-template.ts";

export interface TestDatabase {
  db: Db;
  kind: "postgres" | "pglite";
  /** Connection string of this test file's own PostgreSQL database (absent on PGlite). */
  url?: string;
  /** A further, independent connection pool to the same database (PostgreSQL only). */
  connect(poolSize?: number): Db;
  destroy(): Promise<void>;
}

/**
 * One migrated database per test file: a fresh PostgreSQL database when DATABASE_URL is set
 * (dropped afterwards), else an in-memory PGlite. Either is a copy of one migrated template
 * (see testing-template.ts), built by the first caller of a run.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const baseUrl = process.env.DATABASE_URL;
  if (!baseUrl) {
    const { db, kind } = createDb({ loadDataDir: await migratedPgliteTarball() });
    return {
      db,
      kind,
      connect: () => {
        throw new Error("extra connections need PostgreSQL (set DATABASE_URL)");
      },
      destroy: () => db.destroy(),
    };
  }
  const template = await migratedPostgresTemplate(baseUrl);
  const name = `tally_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`create database ${name} template ${template}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const extra: Db[] = [];
  const { db, kind } = createDb({ databaseUrl: url.toString(), poolSize: 20 });
  return {
    db,
    kind,
    url: url.toString(),
    connect(poolSize = 10) {
      const created = createDb({ databaseUrl: url.toString(), poolSize }).db;
      extra.push(created);
      return created;
    },
    async destroy() {
      await Promise.all([db, ...extra].map((d) => d.destroy()));
      const admin2 = new pg.Client({ connectionString: baseUrl });
      await admin2.connect();
      await admin2.query(`drop database if exists ${name} with (force)`);
      await admin2.end();
    },
  };
}

/** Polls until `n` sessions of this database wait on a lock (PostgreSQL), or throws after 5 s. */
export async function waitForLockWaiters(db: Db, n: number): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity
      where datname = current_database() and wait_event_type = 'Lock'`.execute(db);
    if (rows[0]!.n >= n) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`fewer than ${n} sessions ever waited for a lock`);
}

/**
 * A transaction that takes locks with `lock` and holds them: resolves once they are held; its
 * `release` lets the transaction go on (`after`, still inside it) and waits for its commit.
 */
export async function holdLocks(
  db: Db,
  lock: (trx: Transaction<Database>) => Promise<unknown>,
  after?: (trx: Transaction<Database>) => Promise<unknown>,
): Promise<{ release: () => Promise<void> }> {
  let go!: () => void;
  const gate = new Promise<void>((r) => {
    go = r;
  });
  let held!: () => void;
  const holding = new Promise<void>((r) => {
    held = r;
  });
  const done = db.transaction().execute(async (trx) => {
    await lock(trx);
    held();
    await gate;
    await after?.(trx);
  });
  await Promise.race([holding, done]);
  return {
    release: async () => {
      go();
      await done;
    },
  };
}
