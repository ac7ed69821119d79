import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../src/create-db.ts";
import { createTestDatabase, type TestDatabase } from "../src/testing.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.destroy());

describe("createDb", () => {
  it("hands NUMERIC back as exact strings, counts as numbers and dates as Date", async () => {
    const r = await sql<{ n: string; c: number; t: Date; d: string }>`
      select 0.1::numeric + 0.2::numeric as n, count(*) as c, now() as t, '2024-02-29'::date as d
    `.execute(t.db);
    expect(r.rows[0]).toMatchObject({ n: "0.3", c: 1, d: "2024-02-29" });
    expect(r.rows[0]!.t).toBeInstanceOf(Date);
  });

  it("has migrated the whole model", async () => {
    const r = await sql<{ table_name: string }>`
      select table_name from information_schema.tables where table_schema = 'public' order by 1
    `.execute(t.db);
    const names = r.rows.map((x) => x.table_name);
    for (const table of [
      "accounts",
      "wallet_lines",
      "transactions",
      "events",
      "coupon_codes",
      "migration_jobs",
      "import_checkpoints",
    ]) {
      expect(names).toContain(table);
    }
  });
});

it("compresses events' payload and result with LZ4 where the server has it", async () => {
  const r = await sql<{ lz4: boolean; methods: string[] }>`
    select 'lz4' = any(s.enumvals) as lz4, array_agg(a.attcompression::text order by a.attname) as methods
    from pg_settings s, pg_attribute a
    where s.name = 'default_toast_compression' and a.attrelid = 'events'::regclass
      and a.attname in ('payload', 'result')
    group by s.enumvals`.execute(t.db);
  const { lz4, methods } = r.rows[0]!;
  // 'l' is LZ4; '' is the server's default (pglz), all PGlite has.
  expect(methods).toEqual(lz4 ? ["l", "l"] : ["", ""]);
});

describe.skipIf(!process.env.DATABASE_URL)("prepared statements (PostgreSQL)", () => {
  const prepared = async (options: {
    preparedStatements?: boolean;
    maxPreparedStatements?: number;
  }) => {
    // One connection, so every statement below runs in the session that is asked at the end.
    const { db } = createDb({ databaseUrl: t.url, poolSize: 1, ...options });
    try {
      for (const n of [1, 2, 3]) {
        const r = await sql<{ v: number }>`select ${n}::int + 1 as v`.execute(db);
        expect(r.rows[0]!.v).toBe(n + 1);
        await sql`select ${String(n)}::text as w`.execute(db);
        await sql`select 41 + 1 as v`.execute(db);
      }
      const r = await sql<{ statement: string }>`
        select statement from pg_prepared_statements order by prepare_time
      `.execute(db);
      return r.rows.map((x) => x.statement);
    } finally {
      await db.destroy();
    }
  };

  it("prepares each parameterised statement once per connection, not parameterless ones", async () => {
    // The question itself is parameterless, so it is not among them.
    expect(await prepared({})).toEqual(["select $1::int + 1 as v", "select $1::text as w"]);
  });

  it("prepares a statement again when a migration elsewhere changed its result type", async () => {
    const { db } = createDb({ databaseUrl: t.url, poolSize: 1 });
    try {
      await sql`create table stale_probe (id int primary key)`.execute(t.db);
      await sql`insert into stale_probe values (1)`.execute(t.db);
      const read = () => sql<{ id: number; x?: number }>`select * from stale_probe where id = ${1}`;
      for (const _ of [1, 2, 3]) expect((await read().execute(db)).rows).toEqual([{ id: 1 }]);
      // Another process (the pool of t.db) adds a column: the prepared plan's row type is stale.
      await sql`alter table stale_probe add column x int default 7`.execute(t.db);
      await expect(read().execute(db)).rejects.toMatchObject({ code: "0A000" });
      expect((await read().execute(db)).rows).toEqual([{ id: 1, x: 7 }]);
    } finally {
      await db.destroy();
      await sql`drop table if exists stale_probe`.execute(t.db);
    }
  });

  it("stops naming new statements at the limit, and prepares none when turned off", async () => {
    expect(await prepared({ maxPreparedStatements: 1 })).toEqual(["select $1::int + 1 as v"]);
    expect(await prepared({ preparedStatements: false })).toEqual([]);
  });
});
