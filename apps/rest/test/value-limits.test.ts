import express from "express";
import { sql } from "kysely";
import request from "supertest";
import { describe, expect, it } from "vitest";
import { errorHandler } from "../src/middleware/errors.ts";
import { requestId } from "../src/middleware/request-id.ts";
import { couponProgram } from "./coupon-fixtures.ts";
import { expectError, newCustomer, pointsProgram, purchase, useTestApp } from "./helpers.ts";
import { type Logged, useLoggedApp } from "./logged-app.ts";
import { codeFor, pointsReward, referralCampaign } from "./program-fixtures.ts";

const ctx = useTestApp();
const logging = useLoggedApp(ctx);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A BEHAVIOR campaign body over `rewardId` with one effect (amount 1 unless `effect` says). */
const behavior = (rewardId: string, effect: object = {}, conditions: unknown[] = []) => ({
  name: "Long-lived",
  attributes: { trigger: "PURCHASE" },
  rules: [{ conditions, effects: [{ reward_id: rewardId, amount: 1, ...effect }] }],
  withoutEndDate: true,
});

/** Writes a campaign's first effect's expiry by SQL: data stored before durations were bounded. */
async function storeExpiry(campaignId: string, expiry: string) {
  await sql`update campaigns
    set rules = jsonb_set(rules, '{0,effects,0,expiration_date}', to_jsonb(${expiry}::text)),
      updated_at = now()
    where id = ${campaignId}`.execute(ctx.t.db);
}

/** Asserts a logged 500 answered with `id` in its header and body, and the log line naming it. */
function expectLogged500(res: request.Response, logged: Logged[], id?: string): string {
  expectError(res, 500, "INTERNAL");
  const header = res.headers["x-request-id"] as string;
  if (id) expect(header).toBe(id);
  else expect(header).toMatch(UUID);
  expect(res.body).toEqual({
    error: "INTERNAL",
    details: `internal error; it has been logged (request ${header})`,
  });
  expect(logged.map((l) => l.message)).toEqual([`unhandled error (request ${header})`]);
  return header;
}

describe("durations are bounded when written", () => {
  it("refuses an effect expiry over 100 years naming the field; 100 years in any unit is taken", async () => {
    const tenant = await logging.tenant();
    const { rewardId } = await pointsProgram(tenant);
    for (const v of ["7974/years", "101/years", "1201/months", "5201/weeks", "36501/days"]) {
      const res = await tenant.server.post(
        "/campaigns?type=BEHAVIOR",
        behavior(rewardId, { expiration_date: v }),
      );
      expectError(
        res,
        400,
        "VALIDATION_FAILED",
        new RegExp(`^rules\\[0\\]\\.effects\\[0\\]\\.expiration_date: expiry "${v}" is longer`),
      );
    }
    const referral = await tenant.server.post("/campaigns?type=REFERRALS", {
      ...behavior(rewardId),
      referee_rules_json: behavior(rewardId, { expiration_date: "101/years" }).rules,
    });
    expectError(
      referral,
      400,
      "VALIDATION_FAILED",
      /^referee_rules_json\[0\]\.effects\[0\]\.expiration_date: expiry "101\/years"/,
    );
    for (const v of ["100/years", "1200/months", "5200/weeks", "36500/days"]) {
      const res = await tenant.server.post(
        "/campaigns?type=BEHAVIOR",
        behavior(rewardId, { expiration_date: v }),
      );
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
  });

  it("credits a 100-year expiry 100 years after the event", async () => {
    ctx.clock.pin(new Date("2026-12-07T10:30:00.000Z"));
    const tenant = await logging.tenant();
    await pointsProgram(tenant, { expiry: "100/years" });
    const customerId = await newCustomer(tenant);
    const res = await tenant.server.post("/behavior/events", purchase(customerId, 10));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.data.result.accumulations[0].expiration_date).toBe("2126-12-07T10:30:00.000Z");
  });

  it("refuses relative-date conditions over 100 years in campaigns and rewards", async () => {
    const tenant = await logging.tenant();
    const { rewardId } = await pointsProgram(tenant);
    const older = (value: string) => [
      [
        {
          type: "Customer Registration Date",
          operator: "greater than",
          primitive: "relative date",
          value,
        },
      ],
    ];
    expectError(
      await tenant.server.post(
        "/campaigns?type=BEHAVIOR",
        behavior(rewardId, {}, older("101/years")),
      ),
      400,
      "VALIDATION_FAILED",
      /^rules\[0\]\.conditions\[0\]\[0\]\.value: expiry "101\/years" is longer than 100 years/,
    );
    expectError(
      await tenant.server.post("/rewards", {
        name: "Old-timers",
        type: "POINTS",
        conditions: older("36501/days"),
      }),
      400,
      "VALIDATION_FAILED",
      /^conditions\[0\]\[0\]\.value: expiry "36501\/days" is longer/,
    );
    const taken = await tenant.server.post(
      "/campaigns?type=BEHAVIOR",
      behavior(rewardId, {}, older("30/days")),
    );
    expect(taken.status, JSON.stringify(taken.body)).toBe(201);
  });

  it("holds an account's device_token_ttl (set by SQL: no route sets it) to 1–36500 days", async () => {
    const tenant = await logging.tenant();
    const set = (days: number) =>
      ctx.t.db
        .updateTable("accounts")
        .set({ device_token_ttl: days })
        .where("id", "=", tenant.accountId)
        .execute();
    await set(36_500);
    for (const days of [36_501, 0, 2_147_483_647]) {
      await expect(set(days)).rejects.toMatchObject({ code: "23514" });
    }
  });
});

describe("data stored before the bounds", () => {
  it("an expiry past year 9999 makes matching events a logged 500 naming the request, not a 400; nothing is written", async () => {
    const tenant = await logging.tenant();
    const { campaignId } = await pointsProgram(tenant);
    const customerId = await newCustomer(tenant);
    await storeExpiry(campaignId, "7974/years");

    const named = await tenant.server
      .post("/behavior/events", purchase(customerId, 10))
      .set("X-Request-Id", "checkout-7974");
    expectLogged500(named, logging.logged, "checkout-7974");
    const { error } = logging.logged[0]!;
    expect(String((error as Error).message)).toMatch(
      new RegExp(`campaign ${campaignId} rules\\[0\\]: expiration_date "7974/years" after `),
    );

    logging.logged.length = 0;
    const generated = await tenant.server.post("/behavior/events", purchase(customerId, 10));
    expectLogged500(generated, logging.logged);

    const wallet = await tenant.server.get(`/customers/${customerId}`);
    expect(wallet.body.data.wallet.totals).toEqual([]);
    const ledger = await tenant.server.get(`/customers/${customerId}/transactions`);
    expect(ledger.body.data).toEqual([]);

    // Its rules are frozen once started, yet it can be paused: resending them as stored is taken.
    const stored = (await tenant.server.get(`/campaigns/${campaignId}`)).body.data;
    const paused = await tenant.server.put(`/campaigns/${campaignId}`, {
      name: stored.name,
      attributes: { trigger: "PURCHASE" },
      rules: stored.rules,
      withoutEndDate: true,
      status: "INACTIVE",
    });
    expect(paused.status, JSON.stringify(paused.body)).toBe(200);
    const longer = structuredClone(stored.rules);
    longer[0].effects[0].expiration_date = "7975/years";
    expectError(
      await tenant.server.put(`/campaigns/${campaignId}`, {
        name: stored.name,
        attributes: { trigger: "PURCHASE" },
        rules: longer,
        withoutEndDate: true,
      }),
      400,
      "VALIDATION_FAILED",
      /^rules\[0\]\.effects\[0\]\.expiration_date: expiry "7975\/years" is longer/,
    );
    const after = await tenant.server.post("/behavior/events", purchase(customerId, 10));
    expect(after.status, JSON.stringify(after.body)).toBe(201);
    expect(after.body.data.result.accumulations).toEqual([]);
  });

  it("a coupon whose stored expiry leaves year 9999 is a logged 500 on redeem, its use not taken", async () => {
    const tenant = await logging.tenant();
    const { campaignId, codes } = await couponProgram(tenant);
    const customerId = await newCustomer(tenant);
    await storeExpiry(campaignId, "3000000/days");
    const res = await tenant.server.post("/coupons/redeem", {
      customer_id: customerId,
      code: codes[0]!.code,
    });
    expectLogged500(res, logging.logged);
    const summary = await tenant.server.get(`/campaigns/${campaignId}?include=CODES_SUMMARY`);
    expect(summary.body.data.attributes.codes_summary).toMatchObject({ used: 0, redemptions: 0 });
  });

  it("a relative-date condition stored longer than 100 years still reads: events are processed", async () => {
    const tenant = await logging.tenant();
    const { campaignId } = await pointsProgram(tenant);
    const customerId = await newCustomer(tenant);
    const newer = {
      type: "Customer Registration Date",
      operator: "less than",
      primitive: "relative date",
      value: "500/years",
    };
    await sql`update campaigns set rules = jsonb_set(rules, '{0,conditions}', ${JSON.stringify([[newer]])}::jsonb),
      updated_at = now() where id = ${campaignId}`.execute(ctx.t.db);
    const res = await tenant.server.post("/behavior/events", purchase(customerId, 10));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.data.result.accumulations[0].amount).toBe(10);
    expect(logging.logged).toEqual([]);
  });

  it("a database error is a logged 500 naming the request, never a 400 blaming it", async () => {
    const logged: Logged[] = [];
    const app = express()
      .use(requestId)
      .get("/stored", async (_req, res) => {
        // What a stored instant JavaScript writes past year 9999 does to PostgreSQL.
        await sql`select ${"+010000-01-01T00:00:00.000Z"}::timestamptz`.execute(ctx.t.db);
        res.json({ data: "unreachable" });
      })
      .use(errorHandler({ error: (message, error) => logged.push({ message, error }), info() {} }));
    const res = await request(app).get("/stored").set("X-Request-Id", "db-22009");
    expectLogged500(res, logged, "db-22009");
    expect((logged[0]!.error as { code?: string }).code).toBe("22009");
  });
});

describe("request ids", () => {
  it("keeps a sane X-Request-Id and replaces any other with a new UUID, on every answer", async () => {
    const tenant = await logging.tenant();
    const health = await request(logging.app()).get("/health");
    expect(health.headers["x-request-id"]).toMatch(UUID);
    const kept = await tenant.server.get("/customers/nobody").set("X-Request-Id", "a1.B2_c3:d-4");
    expect(kept.status).toBe(404);
    expect(kept.headers["x-request-id"]).toBe("a1.B2_c3:d-4");
    for (const bad of ["x".repeat(129), "two words", "<script>", "é"]) {
      const res = await tenant.server.get("/customers/nobody").set("X-Request-Id", bad);
      expect(res.headers["x-request-id"]).toMatch(UUID);
    }
    expect(logging.logged).toEqual([]);
  });
});

describe("credits above 10^12", () => {
  it("an event whose credit would exceed 10^12 is a 422 naming the campaign, and writes nothing", async () => {
    const tenant = await logging.tenant();
    const { campaignId, rewardId } = await pointsProgram(tenant, { perUnit: 1000 });
    const customerId = await newCustomer(tenant);
    expect((await tenant.server.post("/behavior/events", purchase(customerId, 10))).status).toBe(
      201,
    );
    const big = purchase(customerId, 1e10, {
      order: { purchase_id: "p-big", redeem: [{ id: rewardId, amount: 100 }] },
    });
    const res = await tenant.server.post("/behavior/events", big);
    // 1000 points per unit of what is paid: 10^10 less the 10 the 100 points took off.
    expectError(
      res,
      422,
      "AMOUNT_TOO_LARGE",
      new RegExp(
        `^order: campaign ${campaignId} \\(rules\\[0\\]\\) would credit 9999999990000 of reward ${rewardId} for this order; one credit is at most 1000000000000$`,
      ),
    );
    expect(res.body.campaign_id).toBe(campaignId);
    const wallet = await tenant.server.get(`/customers/${customerId}`);
    expect(wallet.body.data.wallet.totals[0].total).toBe(10_000);
    expect(
      (await tenant.server.get(`/customers/${customerId}/transactions`)).body.data,
    ).toHaveLength(1);

    // The purchase id was not used; exactly 10^12 is credited.
    const most = purchase(customerId, 1e9, { order: { purchase_id: "p-big" } });
    const ok = await tenant.server.post("/behavior/events", most);
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    expect(ok.body.data.result.accumulations[0].amount).toBe(1e12);
  });

  it("fulfilling a held event whose credit would exceed 10^12 is a 422; the event stays PENDING", async () => {
    const tenant = await logging.tenant();
    const { campaignId } = await pointsProgram(tenant, { perUnit: 1000 });
    const customerId = await newCustomer(tenant);
    const held = await tenant.server.post(
      "/behavior/events",
      purchase(customerId, 1e10, { fulfilled: false }),
    );
    expect(held.status, JSON.stringify(held.body)).toBe(201);
    const id = held.body.data.id as string;
    expectError(
      await tenant.server.patch(`/behavior/events/${id}/fulfill`),
      422,
      "AMOUNT_TOO_LARGE",
      new RegExp(`campaign ${campaignId}`),
    );
    expect((await tenant.server.get(`/behavior/events/${id}`)).body.data.status).toBe("PENDING");
    const wallet = await tenant.server.get(`/customers/${customerId}`);
    expect(wallet.body.data.wallet.totals).toEqual([]);
  });

  it("a referral whose credit would exceed 10^12 is not rewarded; the purchase still is", async () => {
    const tenant = await logging.tenant();
    const rewardId = await pointsReward(tenant);
    const perUnit = { reward_id: rewardId, amount: 1000, calculation: "PER_UNIT_SPENT" };
    const campaignId = await referralCampaign(tenant, {
      referrerReward: rewardId,
      refereeReward: rewardId,
      extra: { rules: [{ conditions: [], effects: [perUnit] }] },
    });
    const code = await codeFor(tenant, await newCustomer(tenant), campaignId);
    const referee = await newCustomer(tenant);
    const res = await tenant.server.post(
      "/behavior/events",
      purchase(referee, 1e10, { referral_code: code }),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.data.result.referral).toMatchObject({
      status: "NOT_REWARDED",
      reason: "AMOUNT_TOO_LARGE",
      campaign_id: campaignId,
    });
    expect(res.body.data.result.accumulations).toEqual([]);
  });
});
