import { describe, expect, it } from "vitest";
import { codesOf, couponProgram } from "./coupon-fixtures.ts";
import { expectError, newCustomer, newTenant, type Tenant, useTestApp } from "./helpers.ts";

const ctx = useTestApp();

async function pointsOf(tenant: Tenant, customerId: string, rewardId: string) {
  const res = await tenant.server.get(`/customers/${customerId}`).expect(200);
  return (
    res.body.data.wallet.totals.find((t: { reward_id: string }) => t.reward_id === rewardId)
      ?.total ?? 0
  );
}

describe("POST /coupons/reverse", () => {
  it("takes the credit back, frees the code's use and the campaign's quantity", async () => {
    const tenant = await newTenant(ctx);
    const { rewardId, campaignId, codes } = await couponProgram(tenant, {
      extra: { quantity: 1 },
    });
    const code = codes[0]!.code;
    const [ada, bob] = [await newCustomer(tenant), await newCustomer(tenant)];
    await tenant.server.post("/coupons/redeem", { customer_id: ada, code }).expect(200);
    expect(await pointsOf(tenant, ada, rewardId)).toBe(100);
    const res = await tenant.server.post("/coupons/reverse", {
      customer_id: ada,
      code: code.toLowerCase(),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(
      res.body.data.transactions.map((t: { type: string; amount: number }) => [t.type, t.amount]),
    ).toEqual([["REVERSAL", -100]]);
    expect(
      res.body.data.wallet.totals.find((t: { reward_id: string }) => t.reward_id === rewardId)
        ?.total ?? 0,
    ).toBe(0);
    expect((await codesOf(tenant, campaignId))[0]!.uses_count).toBe(0);
    const event = await tenant.server.get(`/behavior/events/${res.body.data.event_id}`).expect(200);
    expect(event.body.data.status).toBe("REVERSED");
    // The single use is free again: another customer can take it.
    await tenant.server.post("/coupons/redeem", { customer_id: bob, code }).expect(200);
    expectError(
      await tenant.server.post("/coupons/reverse", { customer_id: ada, code }),
      409,
      "CONFLICT",
      /already reversed/,
    );
  });

  it("refuses with 422 when the credited points were spent and cannot be covered", async () => {
    const tenant = await newTenant(ctx);
    const { rewardId, campaignId, codes } = await couponProgram(tenant);
    const ada = await newCustomer(tenant);
    await tenant.server
      .post("/coupons/redeem", { customer_id: ada, code: codes[0]!.code })
      .expect(200);
    // Spend 100 points on a 10.00 order: nothing charged, nothing earned.
    const spent = await tenant.server.post("/behavior/events", {
      customer_id: ada,
      brand_id: "0001",
      type: "PURCHASE",
      order: { purchase_id: "p-1", value: 10, redeem: [{ id: rewardId, amount: 100 }] },
    });
    expect(spent.status, JSON.stringify(spent.body)).toBe(201);
    expectError(
      await tenant.server.post("/coupons/reverse", { customer_id: ada, code: codes[0]!.code }),
      422,
      "INSUFFICIENT_BALANCE",
      /nothing was reversed/,
    );
    // Nothing changed: the use still counts, the ledger is as it was.
    expect((await codesOf(tenant, campaignId))[0]!.uses_count).toBe(1);
    const redemption = await ctx.t.db
      .selectFrom("coupon_redemptions")
      .select("status")
      .where("account_id", "=", tenant.accountId)
      .executeTakeFirstOrThrow();
    expect(redemption.status).toBe("ACTIVE");
  });

  it("reversing the coupon's event from /behavior/events frees the use too", async () => {
    const tenant = await newTenant(ctx);
    const { campaignId, codes } = await couponProgram(tenant);
    const ada = await newCustomer(tenant);
    await tenant.server
      .post("/coupons/redeem", { customer_id: ada, code: codes[0]!.code })
      .expect(200);
    const row = await ctx.t.db
      .selectFrom("coupon_redemptions")
      .select("event_id")
      .where("account_id", "=", tenant.accountId)
      .executeTakeFirstOrThrow();
    await tenant.server.post(`/behavior/events/${row.event_id}/reverse`, {}).expect(200);
    expect((await codesOf(tenant, campaignId))[0]!.uses_count).toBe(0);
    expectError(
      await tenant.server.post("/coupons/reverse", { customer_id: ada, code: codes[0]!.code }),
      409,
      "CONFLICT",
    );
  });

  it("404 for an unknown code, customer or a code never redeemed; 400 per bad field; 403 for CLIENT keys", async () => {
    const tenant = await newTenant(ctx);
    const { codes } = await couponProgram(tenant);
    const ada = await newCustomer(tenant);
    const code = codes[0]!.code;
    expectError(
      await tenant.server.post("/coupons/reverse", { customer_id: ada, code: "NOPE" }),
      404,
      "COUPON_NOT_FOUND",
    );
    expectError(
      await tenant.server.post("/coupons/reverse", { customer_id: "ghost", code }),
      404,
      "NOT_FOUND",
      /customer/,
    );
    expectError(
      await tenant.server.post("/coupons/reverse", { customer_id: ada, code }),
      404,
      "NOT_FOUND",
      /has not redeemed/,
    );
    expectError(
      await tenant.server.post("/coupons/reverse", { code }),
      400,
      "VALIDATION_FAILED",
      /customer_id/,
    );
    expectError(
      await tenant.server.post("/coupons/reverse", { customer_id: ada, code: 5 }),
      400,
      "VALIDATION_FAILED",
      /code/,
    );
    expectError(
      await tenant.client.post("/coupons/reverse", { customer_id: ada, code }),
      403,
      "FORBIDDEN",
    );
  });
});
