import request from "supertest";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  API_PREFIX,
  expectError,
  expectLedgerBalanced,
  newCustomer,
  newTenant,
} from "./helpers.ts";
import { itemOf, PATH, type PreviewFixture, preview, setupPreview } from "./preview-fixtures.ts";

let f: PreviewFixture;
beforeAll(async () => {
  f = await setupPreview();
});
afterEach(async () => {
  await expectLedgerBalanced(f.ctx);
});
afterAll(() => f.ctx.t.destroy());

const errorsOf = (r: { redeemed: { error?: string | undefined }[] } | undefined) =>
  r?.redeemed.map((x) => x.error);

/** Row counts and balance sums of everything a redemption could write, for the tenant. */
async function ledgerState() {
  const db = f.ctx.t.db;
  const accountId = f.tenant.accountId;
  const count = (table: "transactions" | "reservations" | "events" | "campaign_budget_usage") =>
    db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("account_id", "=", accountId)
      .executeTakeFirstOrThrow()
      .then((r) => Number(r.n));
  const lines = await db
    .selectFrom("wallet_lines")
    .select((eb) => [
      eb.fn.countAll<number>().as("n"),
      eb.fn.sum<string>("remaining").as("remaining"),
      eb.fn.sum<string>("reserved").as("reserved"),
    ])
    .where("account_id", "=", accountId)
    .executeTakeFirstOrThrow();
  return {
    lines: {
      n: Number(lines.n),
      remaining: String(lines.remaining),
      reserved: String(lines.reserved),
    },
    transactions: await count("transactions"),
    reservations: await count("reservations"),
    events: await count("events"),
    budgets: await count("campaign_budget_usage"),
  };
}

describe("PUT /events/redeem/preview — item errors", () => {
  it("reports WRONG_TARGET, GIFT_CARD_NOT_REDEEMABLE and unknown rewards inline", async () => {
    const o = await preview(f, {
      value: 20,
      products: [{ sku: "A", value: 20, redeem: [itemOf(f, "pctOrder"), itemOf(f, "add")] }],
      shipping: { value: 3, redeem: [itemOf(f, "fixedProduct")] },
      redeem: [
        itemOf(f, "gift"),
        itemOf(f, "pctShipping"),
        { id: "3c90c3cc-0d44-4b50-8888-8dd25736052a", amount: 1 },
      ],
    });
    expect(errorsOf(o.products?.[0]?.redemptions_result)).toEqual(["WRONG_TARGET", "WRONG_TARGET"]);
    expect(o.products?.[0]?.redemptions_result).toMatchObject({ value: 20, action: "READ" });
    expect(errorsOf(o.shipping?.redemptions_result)).toEqual(["WRONG_TARGET"]);
    expect(errorsOf(o.redemptions_result)).toEqual([
      "GIFT_CARD_NOT_REDEEMABLE",
      "WRONG_TARGET",
      "REWARD_NOT_FOUND",
    ]);
    expect(o.redemptions_result?.redeemed[2]?.reward).toBeNull();
    expect(o.redemptions_result).toMatchObject({ value: 23, amount: 0, action: "READ" });
  });

  it("reports INSUFFICIENT_BALANCE, summing the items of a reward over the whole order", async () => {
    const o = await preview(f, {
      value: 300,
      products: [{ sku: "A", value: 300, redeem: [itemOf(f, "points", 1500)] }],
      redeem: [itemOf(f, "points", 600), itemOf(f, "points", 500)],
    });
    expect(o.products?.[0]?.redemptions_result).toMatchObject({ amount: 1500, value: 150 });
    expect(errorsOf(o.redemptions_result)).toEqual(["INSUFFICIENT_BALANCE", undefined]);
    expect(o.redemptions_result).toMatchObject({ amount: 500, value: 100 });
    const poor = await newCustomer(f.tenant);
    const none = await preview(
      f,
      { value: 5, redeem: [itemOf(f, "fixedOrder")] },
      { customer_id: poor },
    );
    expect(errorsOf(none.redemptions_result)).toEqual(["INSUFFICIENT_BALANCE"]);
  });

  it("reports CONDITION_NOT_MET with the requirement", async () => {
    const o = await preview(f, {
      value: 50,
      products: [{ value: 50 }],
      redeem: [itemOf(f, "big")],
    });
    expect(o.redemptions_result?.redeemed[0]).toMatchObject({
      error: "CONDITION_NOT_MET",
      requirement: "Spend more than 100",
      amount: 0,
    });
    const ok = await preview(f, {
      value: 150,
      products: [{ value: 150 }],
      redeem: [itemOf(f, "big")],
    });
    expect(ok.redemptions_result).toMatchObject({ value: 140, amount: 1 });
    const seed = await preview(f, {
      value: 9,
      products: [{ value: 9, redeem: [itemOf(f, "seed")] }],
    });
    expect(seed.products?.[0]?.redemptions_result?.redeemed[0]).toMatchObject({
      error: "CONDITION_NOT_MET",
      requirement: "Order Value must be greater than 9.95",
    });
  });

  it("refuses a brand-specific reward in another brand's order", async () => {
    const order = { value: 10, redeem: [itemOf(f, "brand2", 3)] };
    const wrong = await preview(f, order);
    expect(errorsOf(wrong.redemptions_result)).toEqual(["WRONG_BRAND"]);
    const right = await preview(f, order, { brand_id: "0002" });
    expect(right.redemptions_result).toMatchObject({ value: 7, amount: 3 });
  });

  it("writes nothing", async () => {
    const before = await ledgerState();
    expect(before.transactions).toBeGreaterThan(0);
    expect(before.lines.n).toBeGreaterThan(0);
    const wallet = (await f.tenant.server.get(`/customers/${f.customerId}`)).body.data.wallet;
    await preview(f, {
      value: 100,
      products: [
        { sku: "SMALL", value: 100, redeem: [itemOf(f, "points", 100), itemOf(f, "pctProduct")] },
      ],
      shipping: { value: 5, redeem: [itemOf(f, "pctShipping")] },
      redeem: [
        itemOf(f, "replace"),
        itemOf(f, "add"),
        itemOf(f, "fixedOrder"),
        itemOf(f, "points", 5000),
      ],
    });
    expect(await ledgerState()).toEqual(before);
    expect((await f.tenant.server.get(`/customers/${f.customerId}`)).body.data.wallet).toEqual(
      wallet,
    );
  });
});

describe("PUT /events/redeem/preview — request errors", () => {
  const body = (over: object = {}) => ({
    customer_id: f.customerId,
    brand_id: "0001",
    order: { value: 10, redeem: [itemOf(f, "points")] },
    ...over,
  });

  it("answers 400 naming each bad field", async () => {
    const put = (b: object) => f.tenant.server.put(PATH, b);
    expectError(
      await put(body({ order: { value: -1 } })),
      400,
      "VALIDATION_FAILED",
      /order\.value/,
    );
    expectError(
      await put(body({ order: { value: 1, products: [{ value: 1, redeem: [{ id: "nope" }] }] } })),
      400,
      "VALIDATION_FAILED",
      /order\.products\[0\]\.redeem\[0\]\.id/,
    );
    const { customer_id: _, ...missing } = body();
    expectError(await put(missing), 400, "VALIDATION_FAILED", /customer_id/);
    expectError(await put(body({ order: undefined })), 400, "VALIDATION_FAILED", /order/);
  });

  it("answers 401 without a token and 403 to a CLIENT key", async () => {
    const res = await request(f.ctx.app).put(`${API_PREFIX}${PATH}`).send(body());
    expectError(res, 401, "UNAUTHORIZED");
    expectError(await f.tenant.client.put(PATH, body()), 403, "FORBIDDEN");
  });

  it("answers 404 for an unknown customer or brand, and for another account's customer", async () => {
    const put = (b: object) => f.tenant.server.put(PATH, b);
    expectError(await put(body({ customer_id: "ghost" })), 404, "NOT_FOUND", /customer/);
    expectError(await put(body({ brand_id: "9999" })), 404, "NOT_FOUND", /brand_id/);
    const other = await newTenant(f.ctx);
    const stranger = await newCustomer(other);
    expectError(await put(body({ customer_id: stranger })), 404, "NOT_FOUND", /customer/);
    expect((await other.server.put(PATH, body({ customer_id: stranger }))).status).toBe(200);
  });
});
