import { describe, expect, it } from "vitest";
import { couponProgram } from "./coupon-fixtures.ts";
import { newCustomer, newTenant, onPostgres, type Tenant, useServedApp } from "./helpers.ts";

describe.skipIf(!onPostgres)("coupon redemption races on real PostgreSQL", () => {
  const ctx = useServedApp(30);

  const redeem = async (tenant: Tenant, body: unknown) => {
    const res = await fetch(`${ctx.base}/coupons/redeem`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${tenant.server.token}`,
        "content-type": "application/json",
      },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as { error?: string } };
  };
  const customers = async (tenant: Tenant, n: number) => {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) ids.push(await newCustomer(tenant));
    return ids;
  };
  const uses = async (tenant: Tenant) =>
    ctx.t.db
      .selectFrom("coupon_redemptions")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("account_id", "=", tenant.accountId)
      .executeTakeFirstOrThrow()
      .then((r) => Number(r.n));

  it("50 customers racing one single-use code: exactly one succeeds, the rest COUPON_EXHAUSTED", async () => {
    const tenant = await newTenant(ctx);
    const { codes, rewardId } = await couponProgram(tenant, { points: 40, extra: { quantity: 3 } });
    const ids = await customers(tenant, 50);
    const code = codes[0]!;
    const results = await Promise.all(
      ids.map((id) => redeem(tenant, { customer_id: id, code: code.code })),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    const failures = results.filter((r) => r.status !== 200);
    expect(failures).toHaveLength(49);
    expect(failures.every((r) => r.status === 422 && r.body.error === "COUPON_EXHAUSTED")).toBe(
      true,
    );
    const row = await ctx.t.db
      .selectFrom("coupon_codes")
      .select("uses_count")
      .where("account_id", "=", tenant.accountId)
      .where("id", "=", code.id)
      .executeTakeFirstOrThrow();
    expect(row.uses_count).toBe(1);
    expect(await uses(tenant)).toBe(1);
    const credited = await ctx.t.db
      .selectFrom("wallet_lines")
      .select(["reward_id", "amount"])
      .where("account_id", "=", tenant.accountId)
      .execute();
    expect(credited).toEqual([{ reward_id: rewardId, amount: "40" }]);
  }, 120_000);

  it("a quantity cap raced over several shared codes is never exceeded; one customer racing itself redeems once", async () => {
    const tenant = await newTenant(ctx);
    const { campaignId } = await couponProgram(tenant, {
      extra: { useCustomCodes: true, customCodes: "RACE1,RACE2,RACE3,RACE4", quantity: 12 },
    });
    const ids = await customers(tenant, 40);
    const results = await Promise.all(
      ids.map((id, i) => redeem(tenant, { customer_id: id, code: `race${(i % 4) + 1}` })),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(12);
    expect(
      results.filter((r) => r.status === 422 && r.body.error === "COUPON_EXHAUSTED"),
    ).toHaveLength(28);
    expect(await uses(tenant)).toBe(12);
    const usage = await ctx.t.db
      .selectFrom("coupon_usage")
      .select("uses")
      .where("account_id", "=", tenant.accountId)
      .where("campaign_id", "=", campaignId)
      .executeTakeFirstOrThrow();
    expect(usage.uses).toBe(12);

    const again = await couponProgram(tenant, {
      extra: { useCustomCodes: true, customCodes: "SELF", quantity: 100 },
    });
    const [self] = await customers(tenant, 1);
    const mine = await Promise.all(
      Array.from({ length: 10 }, () => redeem(tenant, { customer_id: self, code: "SELF" })),
    );
    expect(mine.filter((r) => r.status === 200)).toHaveLength(1);
    expect(mine.filter((r) => r.body.error === "COUPON_ALREADY_REDEEMED")).toHaveLength(9);
    expect(again.codes).toHaveLength(1);
  }, 120_000);
});
