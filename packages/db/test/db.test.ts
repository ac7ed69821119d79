import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
