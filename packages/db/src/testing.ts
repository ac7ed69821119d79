import { randomBytes } from "node:crypto";
import pg from "pg";
import { createDb, type Db } from "./create-db.ts";
import { migrateToLatest } from "./migrate.ts";

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
 * One migrated database per test file: a fresh PostgreSQL database when
 * DATABASE_URL is set (dropped afterwards), else an in-memory PGlite.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const baseUrl = process.env.DATABASE_URL;
  if (!baseUrl) {
    const { db, kind } = createDb();
    await migrateToLatest(db);
    return {
      db,
      kind,
      connect: () => {
        throw new Error("extra connections need PostgreSQL (set DATABASE_URL)");
      },
      destroy: () => db.destroy(),
    };
  }
  const name = `tally_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const extra: Db[] = [];
  const { db, kind } = createDb({ databaseUrl: url.toString(), poolSize: 20 });
  await migrateToLatest(db);
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
