import { holdLocks, waitForLockWaiters } from "@tally/db/testing";
import { describe, expect, it } from "vitest";
import { couponBody, couponProgram } from "./coupon-fixtures.ts";
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

  /** Requests of the file's served app, any method, answering status and body. */
  const call = async (tenant: Tenant, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${ctx.base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${tenant.server.token}`,
        "content-type": "application/json",
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };

  /**
   * A redeem stopped before its commit — its code row locked and its use counted, waiting for
   * the campaign's budget row that a side transaction holds — while `put` runs; then both finish.
   */
  async function putDuringRedeem(
    tenant: Tenant,
    campaignId: string,
    redeemBody: object,
    put: () => Promise<{ status: number; body: Record<string, any> }>,
  ) {
    const side = await holdLocks(ctx.t.db, (trx) =>
      trx
        .selectFrom("campaign_budget_usage")
        .select("campaign_id")
        .where("account_id", "=", tenant.accountId)
        .where("campaign_id", "=", campaignId)
        .forUpdate()
        .execute(),
    );
    const redeemed = call(tenant, "POST", "/coupons/redeem", redeemBody);
    await waitForLockWaiters(ctx.t.db, 1); // the redeem waits for the budget row
    const putting = put();
    await waitForLockWaiters(ctx.t.db, 2); // the PUT waits for the redeem's code row
    await side.release();
    return { redeem: await redeemed, put: await putting };
  }

  it("a PUT removing a code while it is being redeemed is refused (409): the redemption keeps its code", async () => {
    const tenant = await newTenant(ctx);
    const extra = { useCustomCodes: true, customCodes: "KEEP,GONE", quantity: 10, budget: 1000 };
    const { campaignId, rewardId } = await couponProgram(tenant, { extra });
    const [a, b] = [await newCustomer(tenant), await newCustomer(tenant)];
    // The first redemption creates the budget row the side transaction holds.
    expect((await redeem(tenant, { customer_id: a, code: "KEEP" })).status).toBe(200);
    const { redeem: r, put: p } = await putDuringRedeem(
      tenant,
      campaignId,
      { customer_id: b, code: "GONE" },
      () =>
        call(
          tenant,
          "PUT",
          `/campaigns/${campaignId}?type=COUPONS`,
          couponBody(rewardId, { extra: { ...extra, customCodes: "KEEP" } }),
        ),
    );
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(p.status, JSON.stringify(p.body)).toBe(409);
    expect(p.body.details).toMatch(/"GONE" was already redeemed/);
    const reversed = await call(tenant, "POST", "/coupons/reverse", {
      customer_id: b,
      code: "GONE",
    });
    expect(reversed.status, JSON.stringify(reversed.body)).toBe(200);
  }, 60_000);

  it("a PUT lowering quantity below the uses while a redeem is in flight is refused (409)", async () => {
    const tenant = await newTenant(ctx);
    const extra = { useCustomCodes: true, customCodes: "ONE,TWO", quantity: 10, budget: 1000 };
    const { campaignId, rewardId } = await couponProgram(tenant, { extra });
    const [a, b] = [await newCustomer(tenant), await newCustomer(tenant)];
    expect((await redeem(tenant, { customer_id: a, code: "ONE" })).status).toBe(200);
    const { redeem: r, put: p } = await putDuringRedeem(
      tenant,
      campaignId,
      { customer_id: b, code: "TWO" },
      () =>
        call(
          tenant,
          "PUT",
          `/campaigns/${campaignId}?type=COUPONS`,
          couponBody(rewardId, { extra: { ...extra, quantity: 1 } }),
        ),
    );
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(p.status, JSON.stringify(p.body)).toBe(409);
    const campaign = await call(tenant, "GET", `/campaigns/${campaignId}`);
    expect(campaign.body.data.quantity).toBe(10);
  }, 60_000);
});
