import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLedger, expireLines } from "../../src/index.ts";
import {
  createCustomers,
  createTestDatabase,
  grantLine,
  newAccount,
  type TestDatabase,
} from "../../testing/index.ts";

// Separate connections only race on real PostgreSQL.
const onPostgres = Boolean(process.env.DATABASE_URL);

describe.skipIf(!onPostgres)("expireLines on real PostgreSQL", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(() => t.destroy());

  it("two concurrent runs write each EXPIRATION exactly once", async () => {
    const { accountId, rewardId } = await newAccount(t.db, () => new Date());
    const ids = Array.from({ length: 30 }, (_, i) => `c-${i}`);
    await createCustomers(t.db, accountId, ids);
    const at = new Date("2025-01-01T00:00:00Z");
    for (const id of ids)
      for (let k = 0; k < 3; k++)
        await grantLine(t.db, {
          accountId,
          customerId: id,
          rewardId,
          amount: "1.5",
          expiresAt: at,
        });
    const pools = [t.connect(4), t.connect(4)];
    const results = await Promise.all(
      pools.map((db) => expireLines({ db, now: at, batchSize: 7 })),
    );
    expect(results[0]!.lines + results[1]!.lines).toBe(90);
    const rows = await t.db
      .selectFrom("transactions")
      .select(["line_id", (eb) => eb.fn.countAll<string>().as("n")])
      .where("account_id", "=", accountId)
      .where("type", "=", "EXPIRATION")
      .groupBy("line_id")
      .execute();
    expect(rows).toHaveLength(90);
    expect(rows.every((r) => Number(r.n) === 1)).toBe(true);
    expect(await auditLedger(t.db)).toEqual([]);
  });
});
