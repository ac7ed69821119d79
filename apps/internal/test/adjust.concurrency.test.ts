import { randomUUID } from "node:crypto";
import { auditLedger } from "@tally/service";
import { describe, expect, it } from "vitest";
import { customer, pointsReward } from "./fixtures.ts";
import { useInternalApi } from "./harness.ts";

const h = useInternalApi();

// Locks mean nothing on PGlite's single connection: real PostgreSQL only.
describe.skipIf(!process.env.DATABASE_URL)("adjustments under concurrency (PostgreSQL)", () => {
  it("32 concurrent debits against one wallet never overdraw", async () => {
    const { accountId, token, client } = await h.newAccount();
    const reward = await pointsReward(h, accountId);
    const c = await customer(h, accountId);
    await client.customers.adjust.mutate({
      id: randomUUID(),
      customer_id: c.id,
      reward_id: reward.id,
      direction: "CREDIT",
      amount: "20",
      reason: "opening",
      actor: "test",
    });
    // One client each: 32 separate HTTP requests, not one batch.
    const results = await Promise.allSettled(
      Array.from({ length: 32 }, () =>
        h.client(token).customers.adjust.mutate({
          id: randomUUID(),
          customer_id: c.id,
          reward_id: reward.id,
          direction: "DEBIT",
          amount: "1",
          reason: "race",
          actor: "test",
        }),
      ),
    );
    const ok = results.filter((r) => r.status === "fulfilled").length;
    expect(ok).toBe(20);
    for (const r of results)
      if (r.status === "rejected") expect(String(r.reason)).toMatch(/the wallet holds 0/);
    const got = await client.customers.get.query({ customer_id: c.id });
    expect(got.wallet.totals).toEqual([]);
    expect(await auditLedger(h.t.db, accountId)).toEqual([]);
  });
});
