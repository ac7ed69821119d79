import { ZEventSchema } from "@tally/schemas";
import { expireLines, expireReservations } from "@tally/service";
import { describe, expect, it } from "vitest";
import { expectError, newTenant, purchase, useTestApp } from "./helpers.ts";
import { DAY, spendingFixtures } from "./spending-fixtures.ts";

const ctx = useTestApp();

const { withPoints, later, emit, totals, ledger, redeeming } = spendingFixtures(ctx);

describe("POST /behavior/events with redeem arrays", () => {
  it("spends points on the order, earns on the value after redemption, and records what preview showed", async () => {
    const { tenant, customerId, rewardId } = await withPoints(1000);
    const body = redeeming(customerId, 50, rewardId, 200);
    const preview = await tenant.server
      .put("/events/redeem/preview", {
        customer_id: customerId,
        brand_id: "0001",
        order: body.order,
      })
      .expect(200);
    const event = ZEventSchema.parse(await emit(tenant, body));
    expect(event.status).toBe("RESOLVED");
    // 200 points × 0.1 = 20 off; 30 charged; 30 points earned on it.
    expect(event.result!.order).toEqual(preview.body.data.order);
    expect(event.result!.order).toMatchObject({ redemptions_result: { value: 30, amount: 200 } });
    expect(event.result!.paid_value).toBe(30);
    expect(event.result!.redemptions).toEqual([
      expect.objectContaining({ amount: 200, reward_id: rewardId }),
    ]);
    expect(event.result!.accumulations).toEqual([expect.objectContaining({ amount: 30 })]);
    expect(event.result!.transactions.map((t) => [t.type, t.amount])).toEqual([
      ["REDEMPTION", -200],
      ["ACCUMULATION", 30],
    ]);
    expect(event.data).toMatchObject({ order: { value: 50 } });
    const after = await totals(tenant, customerId, rewardId);
    expect(after.total).toBe(830);
    expect(after.customer.metrics.lifetime).toMatchObject({
      spend_total: 1030,
      number_of_purchases: 2,
    });
  });

  it("takes the earliest-expiring lots first, then the oldest", async () => {
    const { tenant, customerId, rewardId } = await withPoints(100);
    await later(tenant, DAY);
    await emit(tenant, purchase(customerId, 100));
    const first = (await tenant.server.get(`/customers/${customerId}`)).body.data.wallet.lines;
    const event = await emit(tenant, redeeming(customerId, 100, rewardId, 150));
    expect(
      event.result.redemptions.map((l: { id: string; amount: number }) => [l.id, l.amount]),
    ).toEqual([
      [first[0].id, 100],
      [first[1].id, 50],
    ]);
  });

  it("answers 422 listing every failing item and writes nothing", async () => {
    const { tenant, customerId, rewardId } = await withPoints(100);
    const before = await ledger(tenant, customerId);
    const missing = "00000000-0000-4000-8000-000000000000";
    const body = purchase(customerId, 50, {
      order: {
        redeem: [
          { id: rewardId, amount: 500 },
          { id: missing, amount: 1 },
        ],
      },
    });
    const details = expectError(
      await tenant.server.post("/behavior/events", body),
      422,
      "REDEMPTION_FAILED",
    );
    expect(details).toMatch(/order\.redeem\[0\]: INSUFFICIENT_BALANCE/);
    expect(details).toMatch(/order\.redeem\[1\]: REWARD_NOT_FOUND/);
    expectError(
      await tenant.server.post("/behavior/events", redeeming(customerId, 50, rewardId, 101)),
      422,
      "INSUFFICIENT_BALANCE",
      /order\.redeem\[0\]/,
    );
    expect(await ledger(tenant, customerId)).toEqual(before);
    expect((await totals(tenant, customerId, rewardId)).total).toBe(100);
  });

  it("spends top-level redeem items as points outside the order", async () => {
    const { tenant, customerId, rewardId } = await withPoints(100);
    const event = await emit(tenant, {
      customer_id: customerId,
      brand_id: "0001",
      type: "REGISTRATION",
      redeem: [{ id: rewardId, amount: 40 }],
    });
    expect(event.result.redemptions).toEqual([expect.objectContaining({ amount: 40 })]);
    expect((await totals(tenant, customerId, rewardId)).total).toBe(60);
  });
});

describe("reservations: fulfilled false, fulfil, expiry", () => {
  it("holds the points on a PENDING event, credits nothing, and spends them on fulfil", async () => {
    const { tenant, customerId, rewardId } = await withPoints(1000);
    const pending = await emit(
      tenant,
      redeeming(customerId, 50, rewardId, 200, { fulfilled: false, reserve: 2 }),
    );
    expect(pending).toMatchObject({ status: "PENDING", fulfilled: false, reserve: 2 });
    expect(pending.result.accumulations).toEqual([]);
    expect(pending.result.transactions).toEqual([]);
    expect(pending.result.redemptions[0].reservation_expires_at).not.toBeNull();
    expect(await totals(tenant, customerId, rewardId)).toMatchObject({
      total: 1000,
      reserved: 200,
      available: 800,
    });
    // The held points cannot be spent twice.
    expectError(
      await tenant.server.post("/behavior/events", redeeming(customerId, 100, rewardId, 801)),
      422,
      "INSUFFICIENT_BALANCE",
    );
    const done = await tenant.server.patch(`/behavior/events/${pending.id}/fulfill`).expect(200);
    expect(done.body.data).toMatchObject({ status: "RESOLVED", fulfilled: true });
    expect(done.body.data.result.transactions.map((t: { type: string }) => t.type)).toEqual([
      "REDEMPTION",
      "ACCUMULATION",
    ]);
    expect(await totals(tenant, customerId, rewardId)).toMatchObject({
      total: 830,
      reserved: 0,
      available: 830,
    });
    expectError(
      await tenant.server.patch(`/behavior/events/${pending.id}/fulfill`),
      409,
      "CONFLICT",
      /RESOLVED/,
    );
  });

  it("releases holds when the window passes; fulfilling an expired event re-checks the wallet", async () => {
    const { tenant, customerId, rewardId } = await withPoints(300);
    const a = await emit(tenant, redeeming(customerId, 50, rewardId, 200, { fulfilled: false }));
    const b = await emit(tenant, redeeming(customerId, 50, rewardId, 100, { fulfilled: false }));
    expect(a).toMatchObject({ status: "PENDING", reserve: 1 }); // the default window, shown
    await later(tenant, DAY + 1000);
    expect(await totals(tenant, customerId, rewardId)).toMatchObject({
      reserved: 0,
      available: 300,
    });
    const swept = await expireReservations({ db: ctx.t.db, now: ctx.clock.now() });
    expect(swept).toMatchObject({ events: 2, reservations: 2 });
    const expired = await tenant.server.get(`/behavior/events/${a.id}`).expect(200);
    expect(expired.body.data.status).toBe("EXPIRED");
    // Meanwhile the customer spends 150: a (200) no longer fits, b (100) still does.
    await emit(tenant, redeeming(customerId, 50, rewardId, 150));
    expectError(
      await tenant.server.patch(`/behavior/events/${a.id}/fulfill`),
      422,
      "INSUFFICIENT_BALANCE",
    );
    const ok = await tenant.server.patch(`/behavior/events/${b.id}/fulfill`).expect(200);
    expect(ok.body.data.status).toBe("RESOLVED");
    expect((await totals(tenant, customerId, rewardId)).total).toBe(300 - 150 + 35 - 100 + 40);
  });
  it("does not spend a held lot that expired since: fulfil re-checks and draws live lots", async () => {
    const { tenant, customerId, rewardId } = await withPoints(100, { expiry: "10/days" });
    await later(tenant, 5 * DAY);
    await emit(tenant, purchase(customerId, 100));
    const [lotA, lotB] = (await tenant.server.get(`/customers/${customerId}`)).body.data.wallet
      .lines;
    const pending = await emit(
      tenant,
      redeeming(customerId, 50, rewardId, 50, { fulfilled: false, reserve: 30 }),
    );
    expect(pending.result.redemptions[0].id).toBe(lotA.id);
    await later(tenant, 6 * DAY);
    const done = await tenant.server.patch(`/behavior/events/${pending.id}/fulfill`);
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body.data.result.redemptions).toEqual([
      expect.objectContaining({ id: lotB.id, amount: 50 }),
    ]);
  });

  it("counts only live holds on a lot, before any job has run", async () => {
    const { tenant, customerId, rewardId } = await withPoints(300);
    await emit(tenant, redeeming(customerId, 50, rewardId, 100, { fulfilled: false }));
    await later(tenant, DAY / 2);
    await emit(tenant, redeeming(customerId, 50, rewardId, 100, { fulfilled: false }));
    await later(tenant, DAY / 2 + 60_000);
    // The first hold lapsed, the second still holds 100 of the same lot: 200 can be spent.
    const shown = await tenant.server
      .put("/events/redeem/preview", {
        customer_id: customerId,
        brand_id: "0001",
        order: { value: 50, redeem: [{ id: rewardId, amount: 201 }] },
      })
      .expect(200);
    expect(shown.body.data.order.redemptions_result.redeemed[0].error).toBe("INSUFFICIENT_BALANCE");
    await emit(tenant, redeeming(customerId, 50, rewardId, 200));
  });
});

describe("POST /behavior/events/{id}/reverse", () => {
  it("cancels a PENDING event, releasing its holds; a second reverse is 409", async () => {
    const { tenant, customerId, rewardId } = await withPoints(500);
    const pending = await emit(
      tenant,
      redeeming(customerId, 50, rewardId, 200, { fulfilled: false }),
    );
    const res = await tenant.server
      .post(`/behavior/events/${pending.id}/reverse`, { reason: "customer left" })
      .expect(200);
    expect(res.body.data).toMatchObject({ status: "CANCELLED" });
    expect(res.body.data.cancelled_at).not.toBeNull();
    expect(await totals(tenant, customerId, rewardId)).toMatchObject({
      reserved: 0,
      available: 500,
    });
    expectError(
      await tenant.server.post(`/behavior/events/${pending.id}/reverse`, {}),
      409,
      "CONFLICT",
    );
    expectError(
      await tenant.server.patch(`/behavior/events/${pending.id}/fulfill`),
      409,
      "CONFLICT",
    );
  });

  it("reverses a RESOLVED event: the exact lots come back, the credit goes, metrics and budget too", async () => {
    const { tenant, customerId, rewardId } = await withPoints(1000, { budget: 1000 });
    const lotsBefore = (await tenant.server.get(`/customers/${customerId}`)).body.data.wallet.lines;
    const event = await emit(tenant, redeeming(customerId, 50, rewardId, 200));
    const res = await tenant.server.post(`/behavior/events/${event.id}/reverse`, {
      reason: "refund",
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.status).toBe("REVERSED");
    const reversals = res.body.data.result.transactions.filter(
      (t: { type: string }) => t.type === "REVERSAL",
    );
    expect(reversals.map((t: { amount: number }) => t.amount).sort()).toEqual([-30, 200]);
    const after = await tenant.server.get(`/customers/${customerId}`);
    expect(after.body.data.wallet.lines).toEqual(lotsBefore);
    expect(after.body.data.customer.metrics.lifetime).toMatchObject({
      spend_total: 1000,
      number_of_purchases: 1,
    });
    // The campaign's budget (cost 0.1 per point) got the 3.00 back: 100.00 of 100.00 was used by
    // the first purchase plus 3.00 by this one, so another 30-point purchase fits again only now.
    const budgets = await ctx.t.db.selectFrom("campaign_budget_usage").select("used").execute();
    expect(budgets.map((b) => Number(b.used))).toEqual([100]);
    expectError(
      await tenant.server.post(`/behavior/events/${event.id}/reverse`, {}),
      409,
      "CONFLICT",
    );
  });

  it("takes credited points the customer already spent from other lots", async () => {
    const { tenant, customerId, rewardId } = await withPoints(100); // lot A: 100
    const second = await emit(tenant, purchase(customerId, 100)); // lot B: 100
    // 150 points off a 100 order: A gives 100, B 50; 85 charged earns lot C: 85.
    await emit(tenant, redeeming(customerId, 100, rewardId, 150));
    expect((await totals(tenant, customerId, rewardId)).total).toBe(135);
    const res = await tenant.server.post(`/behavior/events/${second.id}/reverse`, {});
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    // B's 50 left go, and the 50 already spent are taken from C.
    const reversals = res.body.data.result.transactions.filter(
      (t: { type: string }) => t.type === "REVERSAL",
    );
    expect(reversals.map((t: { amount: number }) => t.amount)).toEqual([-50, -50]);
    expect((await totals(tenant, customerId, rewardId)).total).toBe(35);
  });

  it("refuses with 422 and changes nothing when the wallet cannot give back what was spent", async () => {
    const { tenant, customerId, rewardId } = await withPoints(100);
    const second = await emit(tenant, purchase(customerId, 100));
    // 200 points cover a 20 order whole: nothing is charged, nothing earned, the wallet is empty.
    await emit(tenant, redeeming(customerId, 20, rewardId, 200));
    const before = await ledger(tenant, customerId);
    expectError(
      await tenant.server.post(`/behavior/events/${second.id}/reverse`, {}),
      422,
      "INSUFFICIENT_BALANCE",
      /nothing was reversed/,
    );
    expect(await ledger(tenant, customerId)).toEqual(before);
    const still = await tenant.server.get(`/behavior/events/${second.id}`).expect(200);
    expect(still.body.data.status).toBe("RESOLVED");
  });
});

describe("reversal of lots that expired since", () => {
  it("restores them and expires them again, both in the ledger", async () => {
    const { tenant, customerId, rewardId } = await withPoints(100, { expiry: "10/days" });
    const event = await emit(tenant, redeeming(customerId, 5, rewardId, 40));
    await later(tenant, 11 * DAY);
    await expireLines({ db: ctx.t.db, now: ctx.clock.now() });
    const res = await tenant.server.post(`/behavior/events/${event.id}/reverse`, {});
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const types = (await ledger(tenant, customerId)).map((t) => `${t.type}:${t.amount}`);
    expect(types).toEqual(expect.arrayContaining(["REVERSAL:40", "EXPIRATION:-40"]));
    expect((await totals(tenant, customerId, rewardId)).total).toBe(0);
  });
});

describe("fulfil and reverse: auth and input", () => {
  it("404 for unknown events, 403 for CLIENT keys, 400 for a bad reason", async () => {
    const { tenant, customerId, rewardId } = await withPoints(100);
    const missing = "00000000-0000-4000-8000-000000000000";
    expectError(await tenant.server.patch(`/behavior/events/${missing}/fulfill`), 404, "NOT_FOUND");
    expectError(await tenant.server.post("/behavior/events/nope/reverse", {}), 404, "NOT_FOUND");
    const event = await emit(tenant, redeeming(customerId, 10, rewardId, 10, { fulfilled: false }));
    expectError(
      await tenant.client.patch(`/behavior/events/${event.id}/fulfill`),
      403,
      "FORBIDDEN",
    );
    expectError(
      await tenant.server.post(`/behavior/events/${event.id}/reverse`, { reason: 42 }),
      400,
      "VALIDATION_FAILED",
      /reason/,
    );
    const other = await newTenant(ctx);
    expectError(await other.server.patch(`/behavior/events/${event.id}/fulfill`), 404, "NOT_FOUND");
  });
});

describe("CLIENT keys and balances", () => {
  it("refuses (403) a CLIENT key's tracking event that redeems or would hold units, and writes nothing", async () => {
    const { tenant, customerId, rewardId } = await withPoints(100);
    const tracking = { customer_id: customerId, brand_id: "0001", type: "ADD_TO_CART" };
    const refused = [
      { ...tracking, redeem: [{ id: rewardId, amount: 60 }] },
      { ...tracking, order: { value: 10, redeem: [{ id: rewardId, amount: 40 }] } },
      {
        ...tracking,
        order: {
          value: 10,
          products: [{ sku: "A", value: 10, redeem: [{ id: rewardId, amount: 1 }] }],
        },
      },
      { ...tracking, fulfilled: false, reserve: 365 },
    ];
    for (const body of refused) {
      expectError(
        await tenant.client.post("/behavior/events", body),
        403,
        "FORBIDDEN",
        /SERVER key/,
      );
    }
    expect(await totals(tenant, customerId, rewardId)).toMatchObject({
      total: 100,
      available: 100,
    });
    expect((await ledger(tenant, customerId)).map((t) => t.type)).toEqual(["ACCUMULATION"]);
    // Empty redeem arrays spend nothing: still a tracking event.
    await tenant.client
      .post("/behavior/events", { ...tracking, order: { value: 10, redeem: [] } })
      .expect(201);
  });
});
