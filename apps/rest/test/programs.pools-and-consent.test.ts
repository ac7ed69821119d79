import { describe, expect, it } from "vitest";
import {
  expectError,
  newCustomer,
  newTenant,
  onPostgres,
  purchase,
  type TestContext,
  useServedApp,
  useTestApp,
} from "./helpers.ts";
import {
  balanceOf,
  codeFor,
  giftCardReward,
  pointsReward,
  referralCampaign,
} from "./program-fixtures.ts";

/** Programs: pools shared by both sides of a referral, referrer consent, code uniqueness, lock order. */

describe("program pools, codes and consent", () => {
  const ctx: TestContext = useTestApp();

  // pickGiftCards is called twice in one transaction (referee side, referrer side) with a
  // fresh `taken` list each time; SKIP LOCKED does not skip rows the same transaction locked,
  // so both sides draw the SAME code. The referee is shown a code (and keeps a lot for it) that
  // is then assigned to the referrer.
  it("a referral giving the same GIFT_CARD reward to both sides hands out two distinct codes", async () => {
    const tenant = await newTenant(ctx);
    const giftId = await giftCardReward(tenant, ["GC-A", "GC-B", "GC-C"]);
    const campaignId = await referralCampaign(tenant, {
      referrerReward: giftId,
      refereeReward: giftId,
    });
    const referrer = await newCustomer(tenant);
    const code = await codeFor(tenant, referrer, campaignId);
    const referee = await newCustomer(tenant);
    const res = await tenant.server
      .post("/behavior/events", purchase(referee, 10, { referral_code: code }))
      .expect(201);
    expect(res.body.data.result.referral.status).toBe("REWARDED");
    const refereeCodes = res.body.data.result.gift_card.map((g: { code: string }) => g.code);
    expect(refereeCodes).toHaveLength(1);

    const mine = await tenant.server.get(`/customers/${referee}/rewards/gift-cards`).expect(200);
    const theirs = await tenant.server.get(`/customers/${referrer}/rewards/gift-cards`).expect(200);
    // The referee's event result and the referee's own list must agree.
    expect(mine.body.data.map((g: { code: string }) => g.code)).toEqual(refereeCodes);
    expect(theirs.body.data).toHaveLength(1);
    expect(theirs.body.data[0].code).not.toBe(refereeCodes[0]);
    const pool = await tenant.server.get(`/rewards/${giftId}/gift-cards`).expect(200);
    expect(pool.body.data.assigned).toBe(2);
    // Each customer holds one GIFT_CARD lot backed by a code of their own.
    expect(await balanceOf(tenant, referee, giftId)).toBe(1);
    expect(await balanceOf(tenant, referrer, giftId)).toBe(1);
  });

  // prepareReferral checks consent only on the referee; a referrer who withdrew
  // behavioral_campaigns consent is still credited (a REFERRAL event of their own).
  it("a referrer with consent behavioral_campaigns: false is not rewarded", async () => {
    const tenant = await newTenant(ctx);
    const rewardId = await pointsReward(tenant);
    const campaignId = await referralCampaign(tenant, {
      referrerReward: rewardId,
      refereeReward: rewardId,
    });
    const referrer = await newCustomer(tenant, undefined, {
      consent: { purposes: { behavioral_campaigns: false } },
    });
    const code = await codeFor(tenant, referrer, campaignId);
    const referee = await newCustomer(tenant);
    await tenant.server
      .post("/behavior/events", purchase(referee, 10, { referral_code: code }))
      .expect(201);
    expect(await balanceOf(tenant, referrer, rewardId)).toBe(0);
  });

  // gift-card codes are unique only per reward and case-sensitively (unique (account_id,
  // reward_id, code); the in-request duplicate check is case-sensitive too). Codes meant to be
  // typed at a till, like coupon and referral codes (docs/api-decisions.md#coupons: unique per account,
  // case-insensitive), can then name two different cards held by two different customers.
  it("a gift-card code that differs only in case is refused (409 against the pool, 400 within a request)", async () => {
    const tenant = await newTenant(ctx);
    const giftId = await giftCardReward(tenant, ["SHOP-1"]);
    expectError(
      await tenant.server.post(`/rewards/${giftId}/gift-cards`, { codes: [{ code: "shop-1" }] }),
      409,
      "CONFLICT",
    );
    expectError(
      await tenant.server.post(`/rewards/${giftId}/gift-cards`, {
        codes: [{ code: "SHOP-2" }, { code: "shop-2" }],
      }),
      400,
      "VALIDATION_FAILED",
    );
  });

  it("the same gift-card code cannot sit in two pools of one account", async () => {
    const tenant = await newTenant(ctx);
    await giftCardReward(tenant, ["TWIN-1"]);
    const other = await giftCardReward(tenant, []);
    expectError(
      await tenant.server.post(`/rewards/${other}/gift-cards`, { codes: [{ code: "TWIN-1" }] }),
      409,
      "CONFLICT",
    );
  });
});

describe.skipIf(!onPostgres)("programs: lock order on real PostgreSQL", () => {
  const ctx = useServedApp(5);

  // Reversing a referee's rewarding purchase also reverses the referrer's REFERRAL event; the
  // budget rows of both (behaviour campaign B, referral campaign R) must be taken once, in
  // ascending id as every earner takes them (docs/api-decisions.md#lock-order: one lock order everywhere), or an
  // earner holding B and wanting R deadlocks with the reversal.
  it("reversing a referral purchase takes budget rows in ascending campaign id (no deadlock with an earner)", async () => {
    const tenant = await newTenant(ctx);
    const rewardId = await pointsReward(tenant);
    const behavior = await tenant.server
      .post("/campaigns?type=BEHAVIOR", {
        name: "Earn",
        attributes: { trigger: "PURCHASE" },
        rules: [{ conditions: [], effects: [{ reward_id: rewardId, amount: 1 }] }],
        withoutEndDate: true,
        budget: 1_000_000,
      })
      .expect(201);
    const b = behavior.body.data.id as string;
    const r = await referralCampaign(tenant, {
      referrerReward: rewardId,
      refereeReward: rewardId,
      extra: { budget: 1_000_000 },
    });
    expect(b < r).toBe(true);
    const referrer = await newCustomer(tenant);
    const code = await codeFor(tenant, referrer, r);
    const referee = await newCustomer(tenant);
    const earned = await tenant.server
      .post("/behavior/events", purchase(referee, 10, { referral_code: code }))
      .expect(201);
    expect(earned.body.data.result.referral.status).toBe("REWARDED");

    let earnerError: unknown = null;
    let reversal: Promise<{ status: number; body: unknown }> | null = null;
    try {
      await ctx.t.db.transaction().execute(async (trx) => {
        // An earner (lock order: B then R) holds B ...
        await trx
          .updateTable("campaign_budget_usage")
          .set((eb) => ({ used: eb.ref("used") }))
          .where("account_id", "=", tenant.accountId)
          .where("campaign_id", "=", b)
          .execute();
        reversal = fetch(`${ctx.base}/behavior/events/${earned.body.data.id}/reverse`, {
          method: "POST",
          headers: {
            authorization: `Bearer ${tenant.server.token}`,
            "content-type": "application/json",
          },
          body: JSON.stringify({ reason: "review" }),
        }).then(async (res) => ({ status: res.status, body: await res.json() }));
        await new Promise((done) => setTimeout(done, 1000));
        // ... and now wants R.
        await trx
          .updateTable("campaign_budget_usage")
          .set((eb) => ({ used: eb.ref("used") }))
          .where("account_id", "=", tenant.accountId)
          .where("campaign_id", "=", r)
          .execute();
      });
    } catch (error) {
      earnerError = error;
    }
    const answer = await reversal!;
    expect(String(earnerError ?? "")).not.toMatch(/deadlock/);
    expect(earnerError).toBeNull();
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  });
});
