import { json } from "@tally/db";
import { holdLocks, waitForLockWaiters } from "@tally/db/testing";
import { ZTierWriteSchema } from "@tally/schemas";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTier, demoteTiers, identifyAnonymous } from "../../src/index.ts";
import {
  createCustomers,
  createTestDatabase,
  newAccount,
  type TestDatabase,
} from "../../testing/index.ts";

const onPostgres = Boolean(process.env.DATABASE_URL);

describe.skipIf(!onPostgres)(
  "tier demotion racing identification under a new id (PostgreSQL)",
  () => {
    let t: TestDatabase;
    beforeAll(async () => {
      t = await createTestDatabase();
    });
    afterAll(() => t.destroy());

    it("a customer identified under a new id while the period's run is going is still demoted, and the run does not fail", async () => {
      const deps = { db: t.db, now: () => new Date() };
      const { accountId } = await newAccount(t.db, () => new Date());
      await sql`update accounts set created_at = ${new Date("2025-01-10T00:00:00Z")} where id = ${accountId}`.execute(
        t.db,
      );
      const spend = (op: string, n: number) => [
        [{ type: "Customer Spend Total", operator: op, primitive: "currency", value: n }],
      ];
      const gold = await createTier(
        deps,
        accountId,
        ZTierWriteSchema.parse({
          name: "Gold",
          level: 2,
          entry_conditions: spend("greater than or equal to", 1000),
          exit_conditions: spend("less than", 500),
        }),
      );
      await createCustomers(t.db, accountId, ["r1", "r2"]);
      await t.db
        .updateTable("customers")
        .set({
          tier_id: gold.id,
          metrics: json({
            lifetime: {
              from: null,
              to: null,
              last_visit: null,
              spend_total: 100,
              number_of_purchases: 1,
            },
          }),
        })
        .where("account_id", "=", accountId)
        .execute();
      // The demotion job walks candidates by uuid: the first is held, the second gets identified.
      const [first, second] = await t.db
        .selectFrom("customers")
        .select(["id", "uuid"])
        .where("account_id", "=", accountId)
        .orderBy("uuid")
        .execute();
      await t.db
        .updateTable("customers")
        .set({ is_anonymous: true })
        .where("account_id", "=", accountId)
        .where("uuid", "=", second!.uuid)
        .execute();

      // A live request holds the first customer's wallet lock.
      const side = await holdLocks(t.db, (trx) =>
        sql`select 1 from wallets w join customers c on c.account_id = w.account_id and c.uuid = w.customer_uuid
        where c.account_id = ${accountId} and c.uuid = ${first!.uuid} for update of w, c`.execute(
          trx,
        ),
      );
      const run = demoteTiers({ db: t.db, now: new Date("2025-02-01T00:00:00Z"), accountId }).then(
        (r) => ({ ok: true as const, r }),
        (e: unknown) => ({ ok: false as const, e }),
      );
      await waitForLockWaiters(t.db, 1); // the job has read its page of candidates and waits on the first
      // Meanwhile the second customer signs up: identify under a new id (a normal API call).
      await identifyAnonymous(deps, accountId, second!.id, { new_id: "identified-2" });
      await side.release();
      const outcome = await run;
      expect(outcome.ok, outcome.ok ? "" : String(outcome.e)).toBe(true);
      const tiers = await t.db
        .selectFrom("customers")
        .select(["id", "tier_id"])
        .where("account_id", "=", accountId)
        .orderBy("id")
        .execute();
      expect(tiers.every((c) => c.tier_id !== gold.id)).toBe(true);
    }, 60_000);
  },
);
