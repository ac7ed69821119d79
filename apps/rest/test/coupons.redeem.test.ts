import { ZCouponRedeemResultSchema } from "@tally/schemas";
import request from "supertest";
import { describe, expect, it } from "vitest";
import { couponProgram } from "./coupon-fixtures.ts";
import {
  API_PREFIX,
  expectError,
  newCustomer,
  newTenant,
  type Tenant,
  useTestApp,
} from "./helpers.ts";

const ctx = useTestApp();
const redeem = (tenant: Tenant, body: unknown) => tenant.server.post("/coupons/redeem", body);

/** What a customer has in the ledger: events, lots, transactions and coupon redemptions. */
async function ledgerOf(tenant: Tenant, customerId: string) {
  const customer = await ctx.t.db
    .selectFrom("customers")
    .select("uuid")
    .where("account_id", "=", tenant.accountId)
    .where("id", "=", customerId)
    .executeTakeFirstOrThrow();
  const [events, transactions, redemptions] = await Promise.all([
    ctx.t.db
      .selectFrom("events")
      .selectAll()
      .where("account_id", "=", tenant.accountId)
      .where("customer_uuid", "=", customer.uuid)
      .where("type", "!=", "REGISTRATION")
      .execute(),
    ctx.t.db
      .selectFrom("transactions")
      .selectAll()
      .where("account_id", "=", tenant.accountId)
      .where("customer_uuid", "=", customer.uuid)
      .execute(),
    ctx.t.db
      .selectFrom("coupon_redemptions")
      .selectAll()
      .where("account_id", "=", tenant.accountId)
      .where("customer_uuid", "=", customer.uuid)
      .execute(),
  ]);
  return { events, transactions, redemptions };
}

describe("POST /coupons/redeem", () => {
  it("credits the campaign's effects and answers customer, wallet, accumulations, redemptions (seed 000)", async () => {
    const tenant = await newTenant(ctx);
    const { rewardId, campaignId, codes } = await couponProgram(tenant, { points: 150 });
    const customerId = await newCustomer(tenant);
    const code = codes[0]!;
    const res = await redeem(tenant, {
      customer_id: customerId,
      code: code.code.toLowerCase(),
      brand_id: "0001",
      platform: "web",
      store_id: "s-1",
      channel_id: "ch-1",
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const data = ZCouponRedeemResultSchema.parse(res.body.data);
    expect(Object.keys(res.body.data).sort()).toEqual([
      "accumulations",
      "customer",
      "redemptions",
      "wallet",
    ]);
    expect(data.customer.id).toBe(customerId);
    expect(data.redemptions).toEqual([]);
    expect(data.accumulations).toHaveLength(1);
    expect(data.accumulations[0]).toMatchObject({
      amount: 150,
      reward_id: rewardId,
      campaign_id: campaignId,
      brand_id: "0001",
    });
    expect(data.wallet.totals).toEqual([
      expect.objectContaining({ reward_id: rewardId, total: 150, available: 150 }),
    ]);
    expect(data.wallet.lines.map((l) => l.id)).toEqual([data.accumulations[0]!.id]);

    // Everything a reversal needs: the event, its lines and transactions, the redemption naming the event.
    const ledger = await ledgerOf(tenant, customerId);
    expect(ledger.events).toHaveLength(1);
    const event = ledger.events[0]!;
    expect(event).toMatchObject({
      source: "COUPON",
      status: "RESOLVED",
      type: "COUPON_REDEMPTION",
      brand_id: "0001",
    });
    expect((event.result as { accumulations: unknown[] }).accumulations).toEqual(
      data.accumulations,
    );
    expect(ledger.transactions).toEqual([
      expect.objectContaining({ type: "ACCUMULATION", amount: "150", event_id: event.id }),
    ]);
    expect(ledger.redemptions).toEqual([
      expect.objectContaining({ event_id: event.id, code_id: code.id, status: "ACTIVE" }),
    ]);
    const line = await ctx.t.db
      .selectFrom("wallet_lines")
      .selectAll()
      .where("id", "=", data.accumulations[0]!.id)
      .executeTakeFirstOrThrow();
    expect(line).toMatchObject({
      event_id: event.id,
      store_id: "s-1",
      channel_id: "ch-1",
      source: "ACCUMULATION",
    });
    const stored = await ctx.t.db
      .selectFrom("coupon_codes")
      .select("uses_count")
      .where("id", "=", code.id)
      .executeTakeFirstOrThrow();
    expect(stored.uses_count).toBe(1);
    // The event is readable like any other.
    const read = await tenant.server.get(`/behavior/events/${event.id}`).expect(200);
    expect(read.body.data).toMatchObject({ status: "RESOLVED", type: "COUPON_REDEMPTION" });
  });

  it("answers each bad field with 400 and nothing written", async () => {
    const tenant = await newTenant(ctx);
    const { codes } = await couponProgram(tenant);
    const customerId = await newCustomer(tenant);
    const good = { customer_id: customerId, code: codes[0]!.code };
    const cases: [unknown, RegExp][] = [
      [{ code: good.code }, /customer_id/],
      [{ ...good, customer_id: 7 }, /customer_id/],
      [{ ...good, customer_id: "" }, /customer_id/],
      [{ customer_id: customerId }, /code/],
      [{ ...good, code: "" }, /code/],
      [{ ...good, code: "x".repeat(65) }, /code/],
      [{ ...good, code: ["A"] }, /code/],
      [{ ...good, brand_id: 1 }, /brand_id/],
      [{ ...good, platform: "" }, /platform/],
      [{ ...good, store_id: "s".repeat(200) }, /store_id/],
      [{ ...good, channel_id: {} }, /channel_id/],
    ];
    for (const [body, match] of cases)
      expectError(await redeem(tenant, body), 400, "VALIDATION_FAILED", match);
    const raw = await request(ctx.app)
      .post(`${API_PREFIX}/coupons/redeem`)
      .set("Authorization", `Bearer ${tenant.server.token}`)
      .set("content-type", "application/json")
      .send("{oops");
    expectError(raw, 400, "VALIDATION_FAILED", /JSON/);
    expect((await ledgerOf(tenant, customerId)).events).toEqual([]);
  });

  it("401 without a token, 403 for CLIENT keys, 404 for unknown customer, brand or code (also another account's)", async () => {
    const tenant = await newTenant(ctx);
    const other = await newTenant(ctx);
    const { codes } = await couponProgram(tenant);
    const { codes: foreign } = await couponProgram(other);
    const customerId = await newCustomer(tenant);
    const code = codes[0]!.code;
    expectError(
      await request(ctx.app)
        .post(`${API_PREFIX}/coupons/redeem`)
        .send({ customer_id: customerId, code }),
      401,
      "UNAUTHORIZED",
    );
    expectError(
      await tenant.client.post("/coupons/redeem", { customer_id: customerId, code }),
      403,
      "FORBIDDEN",
      /SERVER key/,
    );
    expectError(
      await redeem(tenant, { customer_id: "nobody", code }),
      404,
      "NOT_FOUND",
      /customer/,
    );
    expectError(
      await redeem(tenant, { customer_id: customerId, code, brand_id: "9999" }),
      404,
      "NOT_FOUND",
      /brand_id/,
    );
    expectError(
      await redeem(tenant, { customer_id: customerId, code: "NOPE123" }),
      404,
      "COUPON_NOT_FOUND",
      /NOPE123/,
    );
    expectError(
      await redeem(tenant, { customer_id: customerId, code: foreign[0]!.code }),
      404,
      "COUPON_NOT_FOUND",
    );
    expect((await ledgerOf(tenant, customerId)).events).toEqual([]);
  });

  it("matches codes ignoring ASCII case only: a lookalike (the Kelvin sign for K) finds no code", async () => {
    const tenant = await newTenant(ctx);
    await couponProgram(tenant, { extra: { useCustomCodes: true, customCodes: "KELVIN" } });
    const customerId = await newCustomer(tenant);
    expectError(
      await redeem(tenant, { customer_id: customerId, code: "\u212AELVIN" }),
      404,
      "COUPON_NOT_FOUND",
    );
    await redeem(tenant, { customer_id: customerId, code: " kelvin " }).expect(200);
  });

  it("422 when the campaign is not running: not started, paused, ended", async () => {
    const tenant = await newTenant(ctx);
    const customerId = await newCustomer(tenant);
    const later = new Date(Date.now() + 86_400_000).toISOString();
    const scheduled = await couponProgram(tenant, { extra: { start_date: later } });
    const paused = await couponProgram(tenant, { extra: { status: "INACTIVE" } });
    const ending = await couponProgram(tenant, {
      extra: { withoutEndDate: false, end_date: new Date(Date.now() + 30 * 60_000).toISOString() },
    });
    expectError(
      await redeem(tenant, { customer_id: customerId, code: scheduled.codes[0]!.code }),
      422,
      "COUPON_NOT_STARTED",
    );
    expectError(
      await redeem(tenant, { customer_id: customerId, code: paused.codes[0]!.code }),
      422,
      "COUPON_INACTIVE",
    );
    ctx.clock.advance(45 * 60_000); // the token lives an hour
    expectError(
      await redeem(tenant, { customer_id: customerId, code: ending.codes[0]!.code }),
      422,
      "COUPON_EXPIRED",
      /ended/,
    );
    expect((await ledgerOf(tenant, customerId)).events).toEqual([]);
  });

  it("403 without coupon consent; 422 CONDITION_NOT_MET with the requirement; checks run in the order of docs/api-decisions.md#coupon-redeem", async () => {
    const tenant = await newTenant(ctx);
    const platformOnly = [
      [
        {
          type: "Platform",
          operator: "equal to",
          primitive: "string",
          value: "ios",
          message: "Only in the iOS app",
        },
      ],
    ];
    const { codes } = await couponProgram(tenant, {
      conditions: platformOnly,
      extra: { quantity: 3 },
    });
    const refusing = await newCustomer(tenant, undefined, {
      consent: { purposes: { coupon_campaigns: false } },
    });
    const customerId = await newCustomer(tenant);
    const code = codes[0]!.code;
    expectError(
      await redeem(tenant, { customer_id: refusing, code, platform: "web" }),
      403,
      "FORBIDDEN",
      /coupon_campaigns/,
    );
    const failed = await redeem(tenant, { customer_id: customerId, code, platform: "web" });
    expectError(failed, 422, "CONDITION_NOT_MET", /Only in the iOS app/);
    expect(failed.body.requirement).toBe("Only in the iOS app");
    await redeem(tenant, { customer_id: customerId, code, platform: "ios" }).expect(200);
    // Used up now; a failing condition is still what the next customer hears first.
    const second = await newCustomer(tenant);
    expectError(
      await redeem(tenant, { customer_id: second, code, platform: "web" }),
      422,
      "CONDITION_NOT_MET",
    );
    expectError(
      await redeem(tenant, { customer_id: second, code, platform: "ios" }),
      422,
      "COUPON_EXHAUSTED",
    );

    // Generated requirement text, brand and platform scoping of the campaign.
    const tagged = await couponProgram(tenant, {
      conditions: [
        [
          {
            type: "Customer Tag",
            operator: "equal to",
            primitive: "string",
            value: { key: "vip", value: "yes" },
          },
        ],
      ],
      extra: { brand_id: "0001", platforms: ["ios", "web"] },
    });
    const t = tagged.codes[0]!.code;
    const missing = await redeem(tenant, { customer_id: second, code: t, platform: "web" });
    expectError(missing, 422, "CONDITION_NOT_MET");
    expect(missing.body.requirement).toMatch(/Customer Tag must be/);
    const vip = await newCustomer(tenant, undefined, { tags: { vip: "yes" } });
    const wrongPlatform = await redeem(tenant, { customer_id: vip, code: t, platform: "pos" });
    expect(wrongPlatform.body.requirement).toBe("Platform must be one of ios, web");
    await ctx.t.db
      .insertInto("brands")
      .values({ account_id: tenant.accountId, id: "0002", name: "Two" })
      .onConflict((oc) => oc.doNothing())
      .execute();
    const wrongBrand = await redeem(tenant, {
      customer_id: vip,
      code: t,
      platform: "web",
      brand_id: "0002",
    });
    expect(wrongBrand.body.requirement).toBe("Brand must be equal to 0001");
    const ok = await redeem(tenant, { customer_id: vip, code: t, platform: "web" }).expect(200);
    expect(ok.body.data.accumulations[0].brand_id).toBe("0001");
  });

  it("a customer redeems a code once; quantity caps the campaign's total; single-use codes are exhausted", async () => {
    const tenant = await newTenant(ctx);
    const custom = await couponProgram(tenant, {
      extra: { useCustomCodes: true, customCodes: "SHARED,OTHER", quantity: 2 },
    });
    const [a, b, c] = [
      await newCustomer(tenant),
      await newCustomer(tenant),
      await newCustomer(tenant),
    ];
    await redeem(tenant, { customer_id: a, code: "shared" }).expect(200);
    expectError(
      await redeem(tenant, { customer_id: a, code: "SHARED" }),
      422,
      "COUPON_ALREADY_REDEEMED",
      /already redeemed/,
    );
    await redeem(tenant, { customer_id: a, code: "OTHER" }).expect(200);
    expectError(await redeem(tenant, { customer_id: b, code: "SHARED" }), 422, "COUPON_EXHAUSTED");
    expectError(await redeem(tenant, { customer_id: c, code: "OTHER" }), 422, "COUPON_EXHAUSTED");
    const summary = await tenant.server
      .get(`/campaigns/${custom.campaignId}?include=CODES_SUMMARY`)
      .expect(200);
    expect(summary.body.data.attributes.codes_summary).toEqual({
      total: 2,
      used: 2,
      available: 0,
      redemptions: 2,
      remaining: 0,
    });

    const generated = await couponProgram(tenant, { extra: { quantity: 2 } });
    const single = generated.codes[0]!.code;
    await redeem(tenant, { customer_id: b, code: single }).expect(200);
    expectError(
      await redeem(tenant, { customer_id: c, code: single }),
      422,
      "COUPON_EXHAUSTED",
      /no uses left/,
    );
    expectError(
      await redeem(tenant, { customer_id: b, code: single }),
      422,
      "COUPON_ALREADY_REDEEMED",
    );
    expect((await ledgerOf(tenant, c)).events).toEqual([]);
  });

  it("422 BUDGET_EXHAUSTED when the campaign's budget cannot cover the rewards; the use is not taken", async () => {
    const tenant = await newTenant(ctx);
    // 100 points × 0.1 = 10 per redemption against a budget of 15.
    const { codes, campaignId } = await couponProgram(tenant, {
      extra: { budget: 15, quantity: 3 },
    });
    const [a, b] = [await newCustomer(tenant), await newCustomer(tenant)];
    await redeem(tenant, { customer_id: a, code: codes[0]!.code }).expect(200);
    expectError(
      await redeem(tenant, { customer_id: b, code: codes[1]!.code }),
      422,
      "BUDGET_EXHAUSTED",
      /budget/,
    );
    const read = await tenant.server.get(`/campaigns/${campaignId}?include=CODES`).expect(200);
    expect(read.body.data.codes.map((c: { uses_count: number }) => c.uses_count)).toEqual([
      1, 0, 0,
    ]);
    expect((await ledgerOf(tenant, b)).events).toEqual([]);
  });

  it("a replay with the same Idempotency-Key answers the stored response without a second credit", async () => {
    const tenant = await newTenant(ctx);
    const { codes } = await couponProgram(tenant, {
      extra: { useCustomCodes: true, customCodes: "AGAIN" },
    });
    const customerId = await newCustomer(tenant);
    const send = () =>
      redeem(tenant, { customer_id: customerId, code: "AGAIN" }).set("Idempotency-Key", "k-1");
    const first = await send();
    expect(first.status).toBe(200);
    const second = await send();
    expect(second.status).toBe(200);
    expect(second.body).toEqual(first.body);
    expect((await ledgerOf(tenant, customerId)).transactions).toHaveLength(1);
    expect(codes).toHaveLength(1);
  });
});
