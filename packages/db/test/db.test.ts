import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../src/create-db.ts";
import { migrateBackTo, migrateToLatest } from "../src/migrate.ts";
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

it("every migration's down undoes its up: all the way down, then up again", async () => {
  const other = await createTestDatabase();
  try {
    const tables = async () =>
      (
        await sql<{ n: number }>`
          select count(*) as n from information_schema.tables where table_schema = 'public'
            and table_name not like 'kysely_%'`.execute(other.db)
      ).rows[0]!.n;
    expect(await tables()).toBeGreaterThan(10);
    const undone = await migrateBackTo(other.db, null);
    expect(undone.length).toBeGreaterThanOrEqual(7);
    expect(await tables()).toBe(0);
    expect(await migrateToLatest(other.db)).toEqual([...undone].reverse());
  } finally {
    await other.destroy();
  }
});

it("budget-division's down merges the divisions of a period into one row, keeping the larger use", async () => {
  const other = await createTestDatabase();
  try {
    const account = "00000000-0000-7000-8000-000000000001";
    const campaign = "00000000-0000-7000-8000-000000000002";
    await sql`insert into accounts (id, name) values (${account}, 'a')`.execute(other.db);
    await sql`insert into campaigns (account_id, id, type, name, status, start_date)
      values (${account}, ${campaign}, 'BEHAVIOR', 'c', 'ACTIVE', now())`.execute(other.db);
    await sql`insert into campaign_budget_usage (account_id, campaign_id, division, period_start, used)
      values (${account}, ${campaign}, 'daily', '2030-03-01', 4),
             (${account}, ${campaign}, 'monthly', '2030-03-01', 6),
             (${account}, ${campaign}, 'daily', '2030-03-02', 1)`.execute(other.db);
    await migrateBackTo(other.db, "2026-11-29T10-00-00_customer-migration-keys");
    const rows = await sql<{ period_start: Date; used: string }>`
      select period_start, used from campaign_budget_usage order by period_start`.execute(other.db);
    expect(rows.rows.map((r) => [r.period_start.toISOString().slice(0, 10), r.used])).toEqual([
      ["2030-03-01", "6"],
      ["2030-03-02", "1"],
    ]);
  } finally {
    await other.destroy();
  }
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
