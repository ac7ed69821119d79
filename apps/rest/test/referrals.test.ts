import { describe, expect, it } from "vitest";
import {
  client,
  expectError,
  newCustomer,
  newTenant,
  purchase,
  tokenFor,
  useTestApp,
} from "./helpers.ts";
import {
  balanceOf,
  codeFor,
  giftCardReward,
  pointsReward,
  referralProgram,
} from "./program-fixtures.ts";

const ctx = useTestApp();

/** A tenant with a referral program and a referrer holding a code. */
async function withReferrer() {
  const tenant = await newTenant(ctx);
  const { rewardId, campaignId } = await referralProgram(tenant);
  const referrer = await newCustomer(tenant);
  const code = await codeFor(tenant, referrer, campaignId);
  return { tenant, rewardId, campaignId, referrer, code };
}

describe("referral codes", () => {
  it("request-code creates the customer's code once (201), then answers it (200)", async () => {
    const tenant = await newTenant(ctx);
    const { campaignId } = await referralProgram(tenant);
    const customer = await newCustomer(tenant);
    const first = await tenant.server
      .post(`/customers/${customer}/referrals/request-code`, { campaign_id: campaignId })
      .expect(201);
    expect(first.body.data).toMatchObject({
      customer_id: customer,
      campaign_id: campaignId,
      uses_count: 0,
      max_uses: null,
      metadata: {},
    });
    expect(first.body.data.code).toMatch(/^[23456789A-HJ-NP-Z]{8}$/);
    const again = await tenant.server
      .post(`/customers/${customer}/referrals/request-code`, { campaign_id: campaignId })
      .expect(200);
    expect(again.body.data).toEqual(first.body.data);
  });

  it("refuses bad input (400 per field), CLIENT keys (403), unknown customer or campaign (404), another campaign type (422)", async () => {
    const tenant = await newTenant(ctx);
    const { campaignId, rewardId } = await referralProgram(tenant);
    const customer = await newCustomer(tenant);
    const path = `/customers/${customer}/referrals/request-code`;
    expectError(await tenant.server.post(path, {}), 400, "VALIDATION_FAILED", /campaign_id/);
    expectError(
      await tenant.server.post(path, { campaign_id: "nope" }),
      400,
      "VALIDATION_FAILED",
      /campaign_id/,
    );
    expectError(
      await tenant.server.post(path, { campaign_id: campaignId, brand_id: 7 }),
      400,
      "VALIDATION_FAILED",
      /brand_id/,
    );
    expectError(await tenant.client.post(path, { campaign_id: campaignId }), 403, "FORBIDDEN");
    expectError(
      await tenant.server.post("/customers/nobody/referrals/request-code", {
        campaign_id: campaignId,
      }),
      404,
      "NOT_FOUND",
    );
    expectError(
      await tenant.server.post(path, { campaign_id: "00000000-0000-7000-8000-000000000000" }),
      404,
      "NOT_FOUND",
    );
    const behavior = await tenant.server
      .post("/campaigns?type=BEHAVIOR", {
        name: "b",
        attributes: { trigger: "PURCHASE" },
        rules: [{ conditions: [], effects: [{ reward_id: rewardId, amount: 1 }] }],
        withoutEndDate: true,
      })
      .expect(201);
    expectError(
      await tenant.server.post(path, { campaign_id: behavior.body.data.id }),
      422,
      "UNSUPPORTED",
    );
    const branded = await referralProgram(tenant, { brand_id: "0001" });
    expectError(
      await tenant.server.post(path, { campaign_id: branded.campaignId }),
      400,
      "VALIDATION_FAILED",
      /brand_id/,
    );
    await tenant.server
      .post(path, { campaign_id: branded.campaignId, brand_id: "0001" })
      .expect(201);
  });

  it("validates REFERRALS campaigns: trigger other than PURCHASE and bad referee rules are 400, unknown referee rewards 404", async () => {
    const tenant = await newTenant(ctx);
    const rewardId = await pointsReward(tenant);
    const body = {
      name: "r",
      rules: [{ conditions: [], effects: [{ reward_id: rewardId, amount: 1 }] }],
      withoutEndDate: true,
    };
    expectError(
      await tenant.server.post("/campaigns?type=REFERRALS", {
        ...body,
        attributes: { trigger: "SIGNUP" },
      }),
      400,
      "VALIDATION_FAILED",
      /attributes\.trigger/,
    );
    expectError(
      await tenant.server.post("/campaigns?type=REFERRALS", {
        ...body,
        referee_rules_json: "[{",
      }),
      400,
      "VALIDATION_FAILED",
      /referee_rules_json/,
    );
    expectError(
      await tenant.server.post("/campaigns?type=REFERRALS", {
        ...body,
        referee_rules_json: [
          {
            conditions: [],
            effects: [{ reward_id: "00000000-0000-7000-8000-000000000000", amount: 1 }],
          },
        ],
      }),
      404,
      "NOT_FOUND",
      /referee_rules_json\[0\]\.effects\[0\]\.reward_id/,
    );
    const ok = await tenant.server.post("/campaigns?type=REFERRALS", body).expect(201);
    expect(ok.body.data).toMatchObject({ attributes: { trigger: "PURCHASE" }, referee_rules: [] });
  });
});

describe("rewarding referrals", () => {
  it("a referee's first PURCHASE with the code (any case) rewards both sides once", async () => {
    const { tenant, rewardId, campaignId, referrer, code } = await withReferrer();
    const referee = await newCustomer(tenant);
    const res = await tenant.server
      .post("/behavior/events", purchase(referee, 40, { referral_code: code.toLowerCase() }))
      .expect(201);
    expect(res.body.data.result.referral).toMatchObject({
      code,
      status: "REWARDED",
      campaign_id: campaignId,
      referrer_id: referrer,
    });
    expect(await balanceOf(tenant, referee, rewardId)).toBe(200);
    expect(await balanceOf(tenant, referrer, rewardId)).toBe(500);
    // The referrer's side is its own REFERRAL event.
    const referrerEvent = await tenant.server
      .get(`/behavior/events/${res.body.data.result.referral.referrer_event_id}`)
      .expect(200);
    expect(referrerEvent.body.data).toMatchObject({
      type: "REFERRAL",
      customer_id: referrer,
      status: "RESOLVED",
    });
    const again = await tenant.server
      .post("/behavior/events", purchase(referee, 40, { referral_code: code }))
      .expect(201);
    expect(again.body.data.result.referral).toMatchObject({
      status: "NOT_REWARDED",
      reason: "ALREADY_REWARDED",
    });
    expect(await balanceOf(tenant, referrer, rewardId)).toBe(500);
    const view = await tenant.server
      .post(`/customers/${referrer}/referrals/request-code`, { campaign_id: campaignId })
      .expect(200);
    expect(view.body.data.uses_count).toBe(1);
  });

  it("a back-dated first purchase: the referee's lots run from the purchase, the referrer's from its REFERRAL event", async () => {
    const tenant = await newTenant(ctx);
    const rewardId = await pointsReward(tenant);
    const effects = [{ reward_id: rewardId, amount: 10, expiration_date: "30/days" }];
    const campaign = await tenant.server
      .post("/campaigns?type=REFERRALS", {
        name: "Bring a friend",
        rules: [{ conditions: [], effects }],
        referee_rules_json: [{ conditions: [], effects }],
        withoutEndDate: true,
      })
      .expect(201);
    const referrer = await newCustomer(tenant);
    const code = await codeFor(tenant, referrer, campaign.body.data.id);
    const referee = await newCustomer(tenant);
    // Three days on, the referee's purchase of two days ago arrives.
    ctx.clock.pin(new Date(ctx.clock.now().getTime() + 3 * 86_400_000));
    tenant.server = client(ctx.app, await tokenFor(ctx.app, tenant.serverKey));
    const now = ctx.clock.now().getTime();
    const issuedAt = new Date(now - 48 * 3600_000);
    await tenant.server
      .post(
        "/behavior/events",
        purchase(referee, 40, { referral_code: code, issued_at: issuedAt.toISOString() }),
      )
      .expect(201);
    const expiryOf = async (customerId: string) => {
      const res = await tenant.server.get(`/customers/${customerId}`).expect(200);
      return new Date(res.body.data.wallet.lines[0].expiration_date).getTime();
    };
    const days30 = 30 * 86_400_000;
    expect(await expiryOf(referee)).toBe(issuedAt.getTime() + days30);
    expect(await expiryOf(referrer)).toBe(now + days30);
  });

  it("referral codes match ignoring ASCII case and surrounding spaces; a lookalike letter is unknown", async () => {
    const { tenant, campaignId } = await withReferrer();
    // Codes are ASCII: the Kelvin sign (U+212A) lower-cases to "k" but is not a K.
    let code = "";
    for (let i = 0; !code.includes("K"); i++) {
      expect(i).toBeLessThan(60); // each code of 8 holds a K with chance 1 − (31/32)^8 ≈ 22%
      code = await codeFor(tenant, await newCustomer(tenant), campaignId);
    }
    const lookalike = code.replace("K", "\u212A");
    expectError(
      await tenant.server.post("/customers", { id: "kelvin", referral_code: lookalike }),
      404,
      "NOT_FOUND",
      /referral_code/,
    );
    await tenant.server
      .post("/customers", { id: "spaced", referral_code: ` ${code.toLowerCase()} ` })
      .expect(201);
  });

  it("self-referral, unknown codes and non-first purchases reward nobody; the purchase itself succeeds", async () => {
    const { tenant, rewardId, referrer, code } = await withReferrer();
    const self = await tenant.server
      .post("/behavior/events", purchase(referrer, 10, { referral_code: code }))
      .expect(201);
    expect(self.body.data.result.referral).toMatchObject({ reason: "SELF_REFERRAL" });
    const stranger = await newCustomer(tenant);
    const unknown = await tenant.server
      .post("/behavior/events", purchase(stranger, 10, { referral_code: "NOSUCHCODE" }))
      .expect(201);
    expect(unknown.body.data.result.referral).toMatchObject({
      status: "NOT_REWARDED",
      reason: "UNKNOWN_CODE",
    });
    // stranger has purchased once already.
    const late = await tenant.server
      .post("/behavior/events", purchase(stranger, 10, { referral_code: code }))
      .expect(201);
    expect(late.body.data.result.referral).toMatchObject({ reason: "NOT_FIRST_PURCHASE" });
    expect(await balanceOf(tenant, referrer, rewardId)).toBe(0);
    expect(await balanceOf(tenant, stranger, rewardId)).toBe(0);
  });

  it("referral_code on POST /customers records the referral; the first purchase rewards it; an unknown code is 404 and creates nobody", async () => {
    const { tenant, rewardId, referrer, code } = await withReferrer();
    expectError(
      await tenant.server.post("/customers", { id: "ghost", referral_code: "NOSUCHCODE" }),
      404,
      "NOT_FOUND",
      /referral_code/,
    );
    expectError(await tenant.server.get("/customers/ghost"), 404, "NOT_FOUND");
    const referee = await newCustomer(tenant, undefined, { referral_code: code });
    const res = await tenant.server.post("/behavior/events", purchase(referee, 10)).expect(201);
    expect(res.body.data.result.referral).toMatchObject({ status: "REWARDED" });
    expect(await balanceOf(tenant, referrer, rewardId)).toBe(500);
  });

  it("reversing the referee's purchase reverses both sides and lets a later first purchase reward again; the REFERRAL event alone is 409", async () => {
    const { tenant, rewardId, referrer, code } = await withReferrer();
    const referee = await newCustomer(tenant);
    const res = await tenant.server
      .post("/behavior/events", purchase(referee, 10, { referral_code: code }))
      .expect(201);
    const referrerEventId = res.body.data.result.referral.referrer_event_id;
    expectError(
      await tenant.server.post(`/behavior/events/${referrerEventId}/reverse`, { reason: "x" }),
      409,
      "CONFLICT",
      /referee/,
    );
    await tenant.server
      .post(`/behavior/events/${res.body.data.id}/reverse`, { reason: "refund" })
      .expect(200);
    expect(await balanceOf(tenant, referrer, rewardId)).toBe(0);
    expect(await balanceOf(tenant, referee, rewardId)).toBe(0);
    const linked = await tenant.server.get(`/behavior/events/${referrerEventId}`).expect(200);
    expect(linked.body.data.status).toBe("REVERSED");
    const again = await tenant.server.post("/behavior/events", purchase(referee, 10)).expect(201);
    expect(again.body.data.result.referral).toMatchObject({ status: "REWARDED" });
    expect(await balanceOf(tenant, referrer, rewardId)).toBe(500);
  });

  it("a referrer who spent the bonus: reversing the referee's purchase is 422 and nothing changes", async () => {
    const { tenant, rewardId, referrer, code } = await withReferrer();
    const referee = await newCustomer(tenant);
    const res = await tenant.server
      .post("/behavior/events", purchase(referee, 10, { referral_code: code }))
      .expect(201);
    await tenant.server
      .post("/behavior/events", {
        customer_id: referrer,
        brand_id: "0001",
        type: "SPEND",
        redeem: [{ id: rewardId, amount: 400 }],
      })
      .expect(201);
    expectError(
      await tenant.server.post(`/behavior/events/${res.body.data.id}/reverse`, { reason: "x" }),
      422,
      "INSUFFICIENT_BALANCE",
    );
    expect(await balanceOf(tenant, referee, rewardId)).toBe(200);
    expect(await balanceOf(tenant, referrer, rewardId)).toBe(100);
    const stored = await tenant.server.get(`/behavior/events/${res.body.data.id}`).expect(200);
    expect(stored.body.data.status).toBe("RESOLVED");
  });

  it("a referral's gift card is drawn for the referrer", async () => {
    const tenant = await newTenant(ctx);
    const gift = await giftCardReward(tenant, ["REF-1"]);
    const created = await tenant.server
      .post("/campaigns?type=REFERRALS", {
        name: "Gift for a friend",
        rules: [{ conditions: [], effects: [{ reward_id: gift, amount: 1 }] }],
        withoutEndDate: true,
      })
      .expect(201);
    const referrer = await newCustomer(tenant);
    const code = await codeFor(tenant, referrer, created.body.data.id);
    const referee = await newCustomer(tenant);
    await tenant.server
      .post("/behavior/events", purchase(referee, 10, { referral_code: code }))
      .expect(201);
    const cards = await tenant.server.get(`/customers/${referrer}/rewards/gift-cards`).expect(200);
    expect(cards.body.data.map((c: { code: string }) => c.code)).toEqual(["REF-1"]);
  });
});
