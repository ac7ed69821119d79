import { drainJobs } from "@tally/jobs";
import { expireLines } from "@tally/service";
import { describe, expect, it } from "vitest";
import { newCustomer, newTenant, pointsProgram, purchase, useTestApp } from "./helpers.ts";
import { DAY, spendingFixtures } from "./spending-fixtures.ts";

const ctx = useTestApp();

const { withPoints, later, emit, totals, redeeming } = spendingFixtures(ctx);

describe("replays", () => {
  it("replaying a PURCHASE that spent every point answers the original (200), not 422", async () => {
    const { tenant, customerId, rewardId } = await withPoints(100);
    const body = redeeming(customerId, 50, rewardId, 100);
    const first = await emit(tenant, body, 201);
    const res = await tenant.server.post("/behavior/events", body);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.id).toBe(first.id);
  });

  it("replaying a PENDING PURCHASE that holds every point answers the original (200)", async () => {
    const { tenant, customerId, rewardId } = await withPoints(100);
    const body = redeeming(customerId, 50, rewardId, 100, { fulfilled: false });
    const first = await emit(tenant, body, 201);
    const res = await tenant.server.post("/behavior/events", body);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.id).toBe(first.id);
  });
});

describe("reverse", () => {
  it("reversing an event that redeemed and earned the same reward, its credit since spent: the restored lot covers it", async () => {
    const { tenant, customerId, rewardId } = await withPoints(100);
    // Spend all 100 points, earn 40 (on 40 charged).
    const a = await emit(tenant, redeeming(customerId, 50, rewardId, 100));
    expect(a.result.accumulations[0].amount).toBe(40);
    // Spend the 40 earned.
    await emit(tenant, redeeming(customerId, 10, rewardId, 40));
    expect((await totals(tenant, customerId, rewardId)).total).toBe(0 + 6);
    // Reversing a: +100 back to the first lot, -40 for the credit: the wallet can cover it.
    const res = await tenant.server.post(`/behavior/events/${a.id}/reverse`, { reason: "x" });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  });

  it("budget give-back goes to the period charged (daily), a day later", async () => {
    const { tenant, customerId, rewardId, campaignId } = await withPoints(0, {
      budget: 10,
      extra: { divide_budget_in: "daily" },
    });
    const a = await emit(tenant, purchase(customerId, 100)); // 100 pts × 0.1 = 10 cost: budget full
    expect(a.result.accumulations).toHaveLength(1);
    const b = await emit(tenant, purchase(customerId, 1));
    expect(b.result.accumulations).toHaveLength(0);
    await tenant.server.post(`/behavior/events/${a.id}/reverse`, {}).expect(200);
    const c = await emit(tenant, purchase(customerId, 100));
    expect(c.result.accumulations).toHaveLength(1);
    void rewardId;
    void campaignId;
  });
});

describe("fulfil", () => {
  it("spends exactly what the recorded order says it redeemed", async () => {
    const { tenant, customerId, rewardId } = await withPoints(1000);
    const pending = await emit(
      tenant,
      redeeming(customerId, 50, rewardId, 500, { fulfilled: false }),
    );
    // 500 points × 0.1 = 50 off, capped at 50: 500 held.
    expect(pending.result.redemptions[0].amount).toBe(500);
    const done = await tenant.server.patch(`/behavior/events/${pending.id}/fulfill`);
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    const order = done.body.data.result.order;
    const spent = done.body.data.result.transactions
      .filter((t: { type: string }) => t.type === "REDEMPTION")
      .reduce((s: number, t: { amount: number }) => s - t.amount, 0);
    expect(order.redemptions_result.amount).toBe(spent);
  });
});

describe("partly released holds", () => {
  it("fulfil after the lot-expiry job released one of the holds spends what the order records", async () => {
    const start = new Date("2030-01-10T00:00:00Z");
    ctx.clock.pin(start);
    const tenant = await newTenant(ctx);
    const { rewardId } = await pointsProgram(tenant, { expiry: "2/days" });
    const customerId = await newCustomer(tenant);
    await emit(tenant, purchase(customerId, 100)); // L1 expires day 2
    await later(tenant, DAY);
    await emit(tenant, purchase(customerId, 100)); // L2 expires day 3
    await later(tenant, DAY / 2);
    await emit(tenant, purchase(customerId, 100)); // L3 expires day 3.5
    const pending = await emit(
      tenant,
      redeeming(customerId, 100, rewardId, 150, { fulfilled: false, reserve: 3 }),
    );
    expect(pending.result.redemptions.map((l: { amount: number }) => l.amount)).toEqual([100, 50]);
    await later(tenant, DAY * 0.6); // day 2.1: L1 expired
    await expireLines({ db: ctx.t.db, now: ctx.clock.now() });
    const done = await tenant.server.patch(`/behavior/events/${pending.id}/fulfill`);
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    const spent = done.body.data.result.transactions
      .filter((t: { type: string }) => t.type === "REDEMPTION")
      .reduce((s: number, t: { amount: number }) => s - t.amount, 0);
    expect(done.body.data.result.order.redemptions_result.amount).toBe(150);
    expect(spent).toBe(150);
  });
});

describe("wallet view, Idempotency-Key and odd bodies on fulfil and reverse", () => {
  it("the wallet view does not count a lapsed hold that shares a lot with a live one", async () => {
    const { tenant, customerId, rewardId } = await withPoints(1000);
    await emit(tenant, redeeming(customerId, 10, rewardId, 100, { fulfilled: false, reserve: 1 }));
    await emit(tenant, redeeming(customerId, 10, rewardId, 100, { fulfilled: false, reserve: 3 }));
    await later(tenant, DAY * 1.5);
    const view = await totals(tenant, customerId, rewardId);
    // Preview (live holds only) sees 900 available.
    const preview = await tenant.server
      .put("/events/redeem/preview", {
        customer_id: customerId,
        brand_id: "0001",
        order: { value: 1000, redeem: [{ id: rewardId, amount: 900 }] },
      })
      .expect(200);
    expect(preview.body.data.order.redemptions_result.redeemed[0].error ?? null).toBeNull();
    expect(view).toMatchObject({ reserved: 100, available: 900 });
  });

  it("Idempotency-Key on fulfil and reverse", async () => {
    const { tenant, customerId, rewardId } = await withPoints(1000);
    const p = await emit(tenant, redeeming(customerId, 50, rewardId, 200, { fulfilled: false }));
    const a = await tenant.server
      .patch(`/behavior/events/${p.id}/fulfill`)
      .set("Idempotency-Key", "k1");
    expect(a.status).toBe(200);
    const b = await tenant.server
      .patch(`/behavior/events/${p.id}/fulfill`)
      .set("Idempotency-Key", "k1");
    expect(b.status).toBe(200);
    expect(b.headers["idempotent-replayed"]).toBe("true");
    const r1 = await tenant.server
      .post(`/behavior/events/${p.id}/reverse`, { reason: "x" })
      .set("Idempotency-Key", "k2");
    expect(r1.status, JSON.stringify(r1.body)).toBe(200);
    const r2 = await tenant.server
      .post(`/behavior/events/${p.id}/reverse`, { reason: "x" })
      .set("Idempotency-Key", "k2");
    expect(r2.status).toBe(200);
    const r3 = await tenant.server
      .post(`/behavior/events/${p.id}/reverse`, { reason: "y" })
      .set("Idempotency-Key", "k2");
    expect(r3.status).toBe(409);
  });

  it("odd bodies and ids on fulfil/reverse never 500", async () => {
    const { tenant, customerId } = await withPoints(10);
    const ev = await emit(tenant, purchase(customerId, 5));
    const bodies: unknown[] = [
      [],
      "x",
      5,
      null,
      { reason: 5 },
      { reason: "a".repeat(100000) },
      { reason: "\u0000" },
    ];
    for (const b of bodies) {
      const r = await tenant.server
        .post(`/behavior/events/${ev.id}/reverse`)
        .set("content-type", "application/json")
        .send(JSON.stringify(b));
      expect(r.status, `${JSON.stringify(b).slice(0, 40)} ${JSON.stringify(r.body)}`).toBeLessThan(
        500,
      );
    }
    for (const id of [
      "00000000-0000-0000-0000-000000000000",
      "ZZZ",
      "01a20256-f7c6-7000-9694-9d6c66c4daa6",
    ]) {
      const r = await tenant.server.patch(`/behavior/events/${id}/fulfill`);
      expect(r.status, JSON.stringify(r.body)).toBe(404);
    }
    const bad = [
      {},
      { customer_id: customerId },
      { code: "X" },
      { customer_id: 5, code: "x" },
      { customer_id: customerId, code: "\u0000" },
      { customer_id: customerId, code: "nope" },
    ];
    for (const b of bad) {
      const r = await tenant.server.post(`/coupons/reverse`, b);
      expect(r.status, `${JSON.stringify(b)} ${JSON.stringify(r.body)}`).toBeLessThan(500);
    }
  });
});

describe("reverse over an expired lot with a live hold", () => {
  it("reversing a credit whose lot expired (job not run yet) while another event holds part of it takes back only the credit", async () => {
    ctx.clock.pin(new Date("2030-02-10T00:00:00Z"));
    const tenant = await newTenant(ctx);
    const { rewardId } = await pointsProgram(tenant, { expiry: "2/days" });
    const customerId = await newCustomer(tenant);
    await emit(tenant, purchase(customerId, 100)); // M: 100, expires day 2
    await later(tenant, DAY / 2);
    const a = await emit(tenant, purchase(customerId, 100)); // L: 100, expires day 2.5
    // Hold 130: M 100 + L 30, for 5 days.
    await emit(
      tenant,
      redeeming(customerId, 1000, rewardId, 130, { fulfilled: false, reserve: 5 }),
    );
    await later(tenant, DAY); // day 1.5: nothing expired
    await emit(tenant, purchase(customerId, 100)); // N: 100, expires day 3.5
    await later(tenant, DAY * 1.1); // day 2.6: M and L expired, job not run
    const res = await tenant.server.post(`/behavior/events/${a.id}/reverse`, {});
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    // A's credit (L) is gone whatever happened to it; N must be untouched.
    await expireLines({ db: ctx.t.db, now: ctx.clock.now() });
    expect((await totals(tenant, customerId, rewardId)).total).toBe(100);
  });
});

describe("budget period changed", () => {
  // On the 1st of a month the day's period and the month's start at the same instant.
  it.each([
    ["mid-month", "2030-03-14T10:00:00Z"],
    ["on the 1st", "2030-03-01T10:00:00Z"],
  ])(
    "reversal gives budget back to the period it was charged in even if divide_budget_in changed (%s)",
    async (_, at) => {
      ctx.clock.pin(new Date(at));
      const { tenant, customerId, campaignId } = await withPoints(0, {
        budget: 10,
        extra: { divide_budget_in: "daily" },
      });
      const a = await emit(tenant, purchase(customerId, 100)); // day row full (10)
      expect(a.result.accumulations).toHaveLength(1);
      const get = await tenant.server.get(`/campaigns/${campaignId}`).expect(200);
      const c = get.body.data;
      const put = await tenant.server.put(`/campaigns/${campaignId}`, {
        name: c.name,
        attributes: c.attributes,
        rules: c.rules,
        budget: 10,
        divide_budget_in: "monthly",
        withoutEndDate: true,
      });
      expect(put.status, JSON.stringify(put.body)).toBe(200);
      const b = await emit(tenant, purchase(customerId, 100)); // month row full (10)
      expect(b.result.accumulations).toHaveLength(1);
      await tenant.server.post(`/behavior/events/${a.id}/reverse`, {}).expect(200);
      // a's 10 were charged to the daily row; the monthly row must stay full.
      const c2 = await emit(tenant, purchase(customerId, 100));
      expect(c2.result.accumulations).toHaveLength(0);
    },
  );
});

describe("budget use recorded before divisions", () => {
  it("reversing such a credit gives its budget back to the one row of its period", async () => {
    ctx.clock.pin(new Date("2030-03-14T10:00:00Z"));
    const { tenant, customerId } = await withPoints(0, {
      budget: 10,
      extra: { divide_budget_in: "daily" },
    });
    const a = await emit(tenant, purchase(customerId, 100)); // the day's budget is full
    expect(a.result.accumulations).toHaveLength(1);
    // As an ACCUMULATION written before the division was recorded.
    const rows = ctx.t.db
      .selectFrom("transactions")
      .select(["id", "attributes"])
      .where("account_id", "=", tenant.accountId)
      .where("event_id", "=", a.id);
    for (const t of await rows.execute()) {
      const { budget_division, ...attributes } = t.attributes as Record<string, unknown>;
      expect(budget_division).toBe("daily");
      await ctx.t.db
        .updateTable("transactions")
        .set({ attributes: JSON.stringify(attributes) })
        .where("account_id", "=", tenant.accountId)
        .where("id", "=", t.id)
        .execute();
    }
    await tenant.server.post(`/behavior/events/${a.id}/reverse`, {}).expect(200);
    const b = await emit(tenant, purchase(customerId, 100));
    expect(b.result.accumulations).toHaveLength(1);
  });
});

describe("migrated events", () => {
  it("refuses to reverse a migrated PURCHASE (409): migrated history stays as it was", async () => {
    const tenant = await newTenant(ctx);
    await pointsProgram(tenant);
    const id = await newCustomer(tenant);
    const res = await tenant.server.post("/customers/migrate/events", {
      customers: [
        {
          id,
          events: [
            { type: "PURCHASE", order: { value: 40.25 }, issued_at: "2024-04-01T10:00:00Z" },
          ],
        },
      ],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    await drainJobs({ db: ctx.t.db, now: ctx.clock.now });
    const ev = await ctx.t.db
      .selectFrom("events")
      .select(["id", "status", "brand_id"])
      .where("account_id", "=", tenant.accountId)
      .where("source", "=", "MIGRATION")
      .executeTakeFirstOrThrow();
    const r = await tenant.server.post(`/behavior/events/${ev.id}/reverse`, {});
    expect(r.status, JSON.stringify(r.body)).toBe(409);
    expect(r.body.details).toMatch(/migrated/);
    const f = await tenant.server.patch(`/behavior/events/${ev.id}/fulfill`);
    expect(f.status).toBe(409);
  });
});

describe("top-level redeem amounts", () => {
  it("fractional / zero / tiny top-level redeem on a 0-decimal reward", async () => {
    const { tenant, customerId, rewardId } = await withPoints(100);
    for (const amount of [1.5, 0, 1e-9, 1e12, 0.1 + 0.2]) {
      const r = await tenant.server.post("/behavior/events", {
        customer_id: customerId,
        brand_id: "0001",
        type: "REGISTRATION",
        redeem: [{ id: rewardId, amount }],
      });
      expect([400, 422], JSON.stringify(r.body)).toContain(r.status);
    }
    const t = await totals(tenant, customerId, rewardId);
    expect(t.total).toBe(100);
  });
});

describe("preview and commit see the same event", () => {
  it("judge a reward's Platform condition alike (preview takes the event's platform and tags)", async () => {
    const tenant = await newTenant(ctx);
    const reward = await tenant.server
      .post("/rewards", {
        name: "web-only discount",
        type: "DISCOUNT",
        attributes: { discount_type: "FIXED", value: 5, target: "ORDER" },
        conditions: [
          [{ type: "Platform", operator: "equal to", primitive: "string", value: "web" }],
        ],
      })
      .expect(201);
    const rewardId = reward.body.data.id;
    await tenant.server
      .post("/campaigns?type=COUPONS", {
        name: "web discount",
        rules: [
          { conditions: [], effects: [{ reward_id: rewardId, amount: 2, calculation: "FIXED" }] },
        ],
        withoutEndDate: true,
        quantity: 5,
        useCustomCodes: true,
        customCodes: "WEB1",
      })
      .expect(201);
    const customerId = await newCustomer(tenant);
    await tenant.server
      .post("/coupons/redeem", { customer_id: customerId, code: "WEB1" })
      .expect(200);
    const order = { purchase_id: "web-1", value: 50, redeem: [{ id: rewardId, amount: 1 }] };
    const ask = (platform: string) =>
      tenant.server
        .put("/events/redeem/preview", {
          customer_id: customerId,
          brand_id: "0001",
          order,
          platform,
        })
        .expect(200);
    const elsewhere = (await ask("pos")).body.data.order.redemptions_result;
    expect(elsewhere.redeemed[0].error).toBe("CONDITION_NOT_MET");
    const shown = (await ask("web")).body.data.order;
    expect(shown.redemptions_result).toMatchObject({ value: 45, discount_value: 5 });
    const committed = await emit(tenant, {
      customer_id: customerId,
      brand_id: "0001",
      type: "PURCHASE",
      platform: "web",
      order,
    });
    expect(committed.result.order).toEqual(shown);
  });
});
