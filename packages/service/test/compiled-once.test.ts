import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compiledOnce } from "../src/kernel/index.ts";
import {
  createCustomers,
  createTestDatabase,
  newAccount,
  type TestDatabase,
} from "../testing/index.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.destroy());

describe("compiledOnce", () => {
  it("binds each call's own values to the query compiled on the first call", async () => {
    const now = () => new Date();
    const a = await newAccount(t.db, now);
    const b = await newAccount(t.db, now);
    await createCustomers(t.db, a.accountId, ["c1", "c2"]);
    await createCustomers(t.db, b.accountId, ["c1"]);
    const find = compiledOnce((db, accountId: string, id: string) =>
      db
        .selectFrom("customers")
        .select(["account_id", "id"])
        // A constant of the query's own stays bound as it was.
        .where(sql<boolean>`${"constant"} = 'constant'`)
        .where("account_id", "=", accountId)
        .where("id", "=", id),
    );
    expect(await find(t.db, a.accountId, "c2")).toEqual([{ account_id: a.accountId, id: "c2" }]);
    expect(await find(t.db, b.accountId, "c1")).toEqual([{ account_id: b.accountId, id: "c1" }]);
    expect(await find(t.db, b.accountId, "c2")).toEqual([]);
    // Inside a transaction too.
    const rows = await t.db.transaction().execute((trx) => find(trx, a.accountId, "c1"));
    expect(rows).toEqual([{ account_id: a.accountId, id: "c1" }]);
  });
});
