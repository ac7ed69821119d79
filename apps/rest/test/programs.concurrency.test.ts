import { describe, expect, it } from "vitest";
import {
  newCustomer,
  newTenant,
  onPostgres,
  purchase,
  type Tenant,
  useServedApp,
} from "./helpers.ts";
import {
  balanceOf,
  codeFor,
  giftCardReward,
  programCampaign,
  referralProgram,
} from "./program-fixtures.ts";

describe.skipIf(!onPostgres)("program races on real PostgreSQL", () => {
  const ctx = useServedApp(30);

  const emit = async (tenant: Tenant, body: unknown) => {
    const res = await fetch(`${ctx.base}/behavior/events`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${tenant.server.token}`,
        "content-type": "application/json",
      },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };

  it("20 customers earning gift cards at once from a pool of 10: 10 distinct codes, never one twice", async () => {
    const tenant = await newTenant(ctx);
    const codes = Array.from({ length: 10 }, (_, i) => `POOL-${i}`);
    const rewardId = await giftCardReward(tenant, codes);
    await programCampaign(tenant, "BEHAVIOR", rewardId);
    const customers: string[] = [];
    for (let i = 0; i < 20; i++) customers.push(await newCustomer(tenant));
    const results = await Promise.all(customers.map((c) => emit(tenant, purchase(c, 10))));
    expect(results.map((r) => r.status)).toEqual(customers.map(() => 201));
    const drawn = results.flatMap((r) => r.body.data.result.gift_card.map((g: any) => g.code));
    expect(drawn.sort()).toEqual([...codes].sort());
    expect(results.filter((r) => r.body.data.result.gift_card_skipped).length).toBe(10);
    const rows = await ctx.t.db
      .selectFrom("gift_cards")
      .select(["code", "customer_uuid"])
      .where("account_id", "=", tenant.accountId)
      .execute();
    expect(new Set(rows.map((r) => r.customer_uuid)).size).toBe(10);
    expect(rows.every((r) => r.customer_uuid)).toBe(true);
  });

  it("concurrent first PURCHASEs of one referee with a referral code: the referrer is rewarded once", async () => {
    const tenant = await newTenant(ctx);
    const { rewardId, campaignId } = await referralProgram(tenant);
    const referrer = await newCustomer(tenant);
    const code = await codeFor(tenant, referrer, campaignId);
    const referee = await newCustomer(tenant);
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        emit(tenant, purchase(referee, 10, { referral_code: code })),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(results.map(() => 201));
    const rewarded = results.filter((r) => r.body.data.result.referral?.status === "REWARDED");
    expect(rewarded).toHaveLength(1);
    expect(await balanceOf(tenant, referrer, rewardId)).toBe(500);
    expect(await balanceOf(tenant, referee, rewardId)).toBe(200);
  });

  it("two customers who referred each other, first purchases at the same instant: both answered 201 (a deadlock victim is run again)", async () => {
    const tenant = await newTenant(ctx);
    const { campaignId } = await referralProgram(tenant);
    const codeOf = (customer: string) => codeFor(tenant, customer, campaignId);
    // Each pair locks its two wallets in opposite orders; several pairs make a deadlock likely.
    const pairs = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const a = await newCustomer(tenant);
        const b = await newCustomer(tenant);
        return { a, b, codeA: await codeOf(a), codeB: await codeOf(b) };
      }),
    );
    const results = await Promise.all(
      pairs.flatMap(({ a, b, codeA, codeB }) => [
        emit(tenant, purchase(a, 10, { referral_code: codeB })),
        emit(tenant, purchase(b, 10, { referral_code: codeA })),
      ]),
    );
    expect(results.map((r) => r.status)).toEqual(results.map(() => 201));
  });
});
