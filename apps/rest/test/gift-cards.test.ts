import { describe, expect, it } from "vitest";
import { expectError, newCustomer, newTenant, purchase, useTestApp } from "./helpers.ts";
import { balanceOf, giftCardReward, pointsReward, programCampaign } from "./program-fixtures.ts";

const ctx = useTestApp();

describe("gift-card pools", () => {
  it("loads codes (201) and lists the pool's status", async () => {
    const tenant = await newTenant(ctx);
    const rewardId = await giftCardReward(tenant, []);
    const added = await tenant.server.post(`/rewards/${rewardId}/gift-cards`, {
      codes: [
        { code: "GC-1", value: 50 },
        { code: "GC-2", expiration_date: "2020-01-01T00:00:00Z" },
        { code: "GC-3", description: "Store card" },
      ],
    });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    expect(added.body.data).toMatchObject({ total: 3, available: 2, assigned: 0, expired: 1 });
    const pool = await tenant.server.get(`/rewards/${rewardId}/gift-cards`).expect(200);
    expect(
      pool.body.data.codes.map((c: { code: string; status: string }) => [c.code, c.status]),
    ).toEqual([
      ["GC-1", "AVAILABLE"],
      ["GC-2", "EXPIRED"],
      ["GC-3", "AVAILABLE"],
    ]);
    expect(pool.body.data.codes[0].value).toBe(50);
    const page = await tenant.server.get(`/rewards/${rewardId}/gift-cards?from=1&to=1`).expect(200);
    expect(page.body.data.codes.map((c: { code: string }) => c.code)).toEqual(["GC-2"]);
    for (const q of ["from=&to=1", "from=0x1&to=1", "from=0&to=1e1"]) {
      const res = await tenant.server.get(`/rewards/${rewardId}/gift-cards?${q}`);
      expect(res.status, q).toBe(400);
      expect(res.body.details).toMatch(/from|to/);
    }
  });

  it("refuses bad bodies (400 per field), duplicates (409), other reward types (422), unknown rewards (404), CLIENT keys (403); nothing is added", async () => {
    const tenant = await newTenant(ctx);
    const rewardId = await giftCardReward(tenant, ["TAKEN"]);
    const path = `/rewards/${rewardId}/gift-cards`;
    const bad: [unknown, RegExp][] = [
      [{}, /codes/],
      [{ codes: [] }, /codes/],
      [{ codes: [{}] }, /codes\[0\]\.code/],
      [{ codes: [{ code: "has space" }] }, /codes\[0\]\.code/],
      [{ codes: [{ code: "A", value: -1 }] }, /codes\[0\]\.value/],
      [{ codes: [{ code: "A", expiration_date: "soon" }] }, /codes\[0\]\.expiration_date/],
      [{ codes: [{ code: "A" }, { code: "A" }] }, /codes\[1\]\.code/],
    ];
    for (const [body, field] of bad) {
      expectError(await tenant.server.post(path, body), 400, "VALIDATION_FAILED", field);
    }
    expectError(
      await tenant.server.post(path, { codes: [{ code: "NEW" }, { code: "TAKEN" }] }),
      409,
      "CONFLICT",
    );
    const points = await pointsReward(tenant);
    expectError(
      await tenant.server.post(`/rewards/${points}/gift-cards`, { codes: [{ code: "X" }] }),
      422,
      "UNSUPPORTED",
    );
    expectError(
      await tenant.server.post("/rewards/00000000-0000-7000-8000-000000000000/gift-cards", {
        codes: [{ code: "X" }],
      }),
      404,
      "NOT_FOUND",
    );
    expectError(await tenant.client.post(path, { codes: [{ code: "X" }] }), 403, "FORBIDDEN");
    expectError(await tenant.client.get(path), 403, "FORBIDDEN");
    const other = await newTenant(ctx);
    expectError(await other.server.get(path), 404, "NOT_FOUND");
    const pool = await tenant.server.get(path).expect(200);
    expect(pool.body.data.total).toBe(1);
  });

  it("401 without a token", async () => {
    const tenant = await newTenant(ctx);
    const rewardId = await giftCardReward(tenant, []);
    const { default: request } = await import("supertest");
    // The API prefix, spelled out: no bearer token at all.
    const res = await request(ctx.app).get(`/api/storefront/v1/rewards/${rewardId}/gift-cards`);
    expectError(res, 401, "UNAUTHORIZED");
  });
});

describe("earning gift cards", () => {
  it("an event draws one code per unit, in load order, and lists them on the customer", async () => {
    const tenant = await newTenant(ctx);
    const rewardId = await giftCardReward(tenant, ["A1", "A2", "A3"]);
    await programCampaign(tenant, "BEHAVIOR", rewardId, {}, 2);
    const customer = await newCustomer(tenant);
    const res = await tenant.server.post("/behavior/events", purchase(customer, 10));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const cards = res.body.data.result.gift_card;
    expect(cards.map((c: { code: string }) => c.code)).toEqual(["A1", "A2"]);
    expect(Object.keys(cards[0]).sort()).toEqual(
      [
        "code",
        "customer_id",
        "description",
        "expired_at",
        "redeemed_at",
        "reward_id",
        "rewarded_at",
      ].sort(),
    );
    expect(cards[0]).toMatchObject({
      customer_id: customer,
      reward_id: rewardId,
      redeemed_at: null,
    });
    expect(res.body.data.result.gift_card_skipped).toBeUndefined();
    expect(await balanceOf(tenant, customer, rewardId)).toBe(2);
    const list = await tenant.server.get(`/customers/${customer}/rewards/gift-cards`).expect(200);
    expect(list.body.data.map((c: { code: string }) => c.code).sort()).toEqual(["A1", "A2"]);
    // The stored event shows them too.
    const stored = await tenant.server.get(`/behavior/events/${res.body.data.id}`).expect(200);
    expect(stored.body.data.result.gift_card).toHaveLength(2);
  });

  it("each card is its own lot, expiring when the card does", async () => {
    const tenant = await newTenant(ctx);
    const rewardId = await giftCardReward(tenant, []);
    const soon = new Date(ctx.clock.now().getTime() + 10 * 86_400_000).toISOString();
    await tenant.server
      .post(`/rewards/${rewardId}/gift-cards`, {
        codes: [{ code: "SOON", expiration_date: soon }, { code: "NEVER" }],
      })
      .expect(201);
    const campaignId = await programCampaign(tenant, "BEHAVIOR", rewardId, {}, 2);
    const customer = await newCustomer(tenant);
    await tenant.server.post("/behavior/events", purchase(customer, 10)).expect(201);
    const res = await tenant.server.get(`/customers/${customer}`).expect(200);
    const lines = res.body.data.wallet.lines
      .filter((l: { reward_id: string }) => l.reward_id === rewardId)
      .map((l: { amount: number; expiration_date: string | null }) => [
        l.amount,
        l.expiration_date && new Date(l.expiration_date).toISOString(),
      ]);
    expect(lines).toEqual(
      expect.arrayContaining([
        [1, soon],
        [1, null],
      ]),
    );
    expect(lines).toHaveLength(2);
    // Each card names its own lot and the campaign that drew it.
    const cards = await ctx.t.db
      .selectFrom("gift_cards")
      .select(["line_id", "campaign_id"])
      .where("account_id", "=", tenant.accountId)
      .execute();
    const lotIds = res.body.data.wallet.lines
      .filter((l: { reward_id: string }) => l.reward_id === rewardId)
      .map((l: { id: string }) => l.id);
    expect(cards.map((c) => c.line_id).sort()).toEqual([...lotIds].sort());
    expect(cards.map((c) => c.campaign_id)).toEqual([campaignId, campaignId]);
  });

  it("a pool short of codes gives what it has; an empty one skips the card and the event still succeeds", async () => {
    const tenant = await newTenant(ctx);
    const rewardId = await giftCardReward(tenant, ["ONLY"]);
    const points = await pointsReward(tenant);
    const campaignId = await programCampaign(tenant, "BEHAVIOR", rewardId, {}, 2);
    await programCampaign(tenant, "BEHAVIOR", points, {}, 5);
    const customer = await newCustomer(tenant);
    const first = await tenant.server.post("/behavior/events", purchase(customer, 10)).expect(201);
    expect(first.body.data.result.gift_card.map((c: { code: string }) => c.code)).toEqual(["ONLY"]);
    expect(first.body.data.result.gift_card_skipped).toEqual([
      { reward_id: rewardId, campaign_id: campaignId, units: 1 },
    ]);
    const second = await tenant.server.post("/behavior/events", purchase(customer, 10)).expect(201);
    expect(second.body.data.result.gift_card).toEqual([]);
    expect(second.body.data.result.gift_card_skipped).toEqual([
      { reward_id: rewardId, campaign_id: campaignId, units: 2 },
    ]);
    expect(await balanceOf(tenant, customer, rewardId)).toBe(1);
    expect(await balanceOf(tenant, customer, points)).toBe(10);
  });

  it("a budget pays for the cards' own values; over budget no code leaves the pool", async () => {
    const tenant = await newTenant(ctx);
    const rewardId = await giftCardReward(tenant, [], 25);
    await tenant.server
      .post(`/rewards/${rewardId}/gift-cards`, {
        codes: [{ code: "BIG", value: 100 }, { code: "SMALL" }],
      })
      .expect(201);
    await programCampaign(tenant, "BEHAVIOR", rewardId, { budget: 110 });
    const customer = await newCustomer(tenant);
    const first = await tenant.server.post("/behavior/events", purchase(customer, 1)).expect(201);
    expect(first.body.data.result.gift_card.map((c: { code: string }) => c.code)).toEqual(["BIG"]);
    // SMALL costs 25: 100 + 25 > 110, the campaign is skipped.
    const second = await tenant.server.post("/behavior/events", purchase(customer, 1)).expect(201);
    expect(second.body.data.result.gift_card).toEqual([]);
    const pool = await tenant.server.get(`/rewards/${rewardId}/gift-cards`).expect(200);
    expect(pool.body.data).toMatchObject({ available: 1, assigned: 1 });
  });

  it("reversing the event returns its cards to the pool and takes the lot back", async () => {
    const tenant = await newTenant(ctx);
    const rewardId = await giftCardReward(tenant, ["R1"]);
    await programCampaign(tenant, "BEHAVIOR", rewardId);
    const customer = await newCustomer(tenant);
    const res = await tenant.server.post("/behavior/events", purchase(customer, 10)).expect(201);
    await tenant.server
      .post(`/behavior/events/${res.body.data.id}/reverse`, { reason: "refund" })
      .expect(200);
    expect(await balanceOf(tenant, customer, rewardId)).toBe(0);
    const list = await tenant.server.get(`/customers/${customer}/rewards/gift-cards`).expect(200);
    expect(list.body.data).toEqual([]);
    const pool = await tenant.server.get(`/rewards/${rewardId}/gift-cards`).expect(200);
    expect(pool.body.data.codes[0]).toMatchObject({
      code: "R1",
      status: "AVAILABLE",
      event_id: null,
    });
    // The returned card is drawn again by the next earner.
    const other = await newCustomer(tenant);
    const again = await tenant.server.post("/behavior/events", purchase(other, 10)).expect(201);
    expect(again.body.data.result.gift_card[0].code).toBe("R1");
  });

  it("a coupon draws its gift card; with an empty pool the redeem is 422 GIFT_CARD_UNAVAILABLE and the code stays unused", async () => {
    const tenant = await newTenant(ctx);
    const rewardId = await giftCardReward(tenant, ["C1"]);
    const res = await tenant.server.post("/campaigns?type=COUPONS", {
      name: "Gift coupon",
      rules: [{ conditions: [], effects: [{ reward_id: rewardId, amount: 1 }] }],
      withoutEndDate: true,
      useCustomCodes: true,
      customCodes: "GIFTME",
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const a = await newCustomer(tenant);
    const b = await newCustomer(tenant);
    await tenant.server.post("/coupons/redeem", { customer_id: a, code: "GIFTME" }).expect(200);
    const cards = await tenant.server.get(`/customers/${a}/rewards/gift-cards`).expect(200);
    expect(cards.body.data.map((c: { code: string }) => c.code)).toEqual(["C1"]);
    expectError(
      await tenant.server.post("/coupons/redeem", { customer_id: b, code: "GIFTME" }),
      422,
      "GIFT_CARD_UNAVAILABLE",
    );
    const summary = await tenant.server.get(`/campaigns/${res.body.data.id}?include=CODES_SUMMARY`);
    expect(summary.body.data.attributes.codes_summary.redemptions).toBe(1);
    // Reversing the coupon gives the card back.
    await tenant.server.post("/coupons/reverse", { customer_id: a, code: "GIFTME" }).expect(200);
    await tenant.server.post("/coupons/redeem", { customer_id: b, code: "GIFTME" }).expect(200);
  });

  it("GIFT_CARD in an order's redeem array is an item error; the customer list needs a SERVER key and a known customer", async () => {
    const tenant = await newTenant(ctx);
    const rewardId = await giftCardReward(tenant, ["X1"]);
    await programCampaign(tenant, "BEHAVIOR", rewardId);
    const customer = await newCustomer(tenant);
    await tenant.server.post("/behavior/events", purchase(customer, 10)).expect(201);
    const res = await tenant.server.post(
      "/behavior/events",
      purchase(customer, 10, { order: { redeem: [{ id: rewardId, amount: 1 }] } }),
    );
    expectError(res, 422, "REDEMPTION_FAILED", /GIFT_CARD_NOT_REDEEMABLE/);
    expectError(
      await tenant.client.get(`/customers/${customer}/rewards/gift-cards`),
      403,
      "FORBIDDEN",
    );
    expectError(await tenant.server.get("/customers/nobody/rewards/gift-cards"), 404, "NOT_FOUND");
  });
});
