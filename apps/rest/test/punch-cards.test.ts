import { describe, expect, it } from "vitest";
import { expectError, newCustomer, newTenant, purchase, useTestApp } from "./helpers.ts";
import { balanceOf, pointsReward } from "./program-fixtures.ts";

const ctx = useTestApp();

const punchBody = (rewardId: string, extra: Record<string, unknown> = {}) => ({
  name: "Coffee card",
  attributes: { trigger: "PURCHASE", punches: 3 },
  rules: [
    {
      conditions: [
        [{ type: "Order Value", operator: "greater than", primitive: "number", value: 5 }],
      ],
      effects: [{ reward_id: rewardId, amount: 100 }],
    },
  ],
  withoutEndDate: true,
  ...extra,
});

describe("PUNCH_CARDS campaigns", () => {
  it("validates the campaign: trigger and attributes.punches required (400 per field); punches frozen once started (409)", async () => {
    const tenant = await newTenant(ctx);
    const rewardId = await pointsReward(tenant);
    const bad: [unknown, RegExp][] = [
      [{ ...punchBody(rewardId), attributes: { trigger: "PURCHASE" } }, /attributes\.punches/],
      [{ ...punchBody(rewardId), attributes: { punches: 3 } }, /attributes\.trigger/],
      [
        { ...punchBody(rewardId), attributes: { trigger: "PURCHASE", punches: 0 } },
        /attributes\.punches/,
      ],
      [
        { ...punchBody(rewardId), attributes: { trigger: "PURCHASE", punches: 2.5 } },
        /attributes\.punches/,
      ],
      [{ ...punchBody(rewardId), rules: [{ conditions: [], effects: [] }] }, /rules/],
    ];
    for (const [body, field] of bad) {
      expectError(
        await tenant.server.post("/campaigns?type=PUNCH_CARDS", body),
        400,
        "VALIDATION_FAILED",
        field,
      );
    }
    expectError(
      await tenant.client.post("/campaigns?type=PUNCH_CARDS", punchBody(rewardId)),
      403,
      "FORBIDDEN",
    );
    const created = await tenant.server
      .post("/campaigns?type=PUNCH_CARDS", punchBody(rewardId))
      .expect(201);
    expect(created.body.data).toMatchObject({
      type: "PUNCH_CARDS",
      attributes: { punches: 3, trigger: "PURCHASE" },
    });
    expectError(
      await tenant.server.put(`/campaigns/${created.body.data.id}?type=PUNCH_CARDS`, {
        ...punchBody(rewardId),
        attributes: { trigger: "PURCHASE", punches: 4 },
      }),
      409,
      "CONFLICT",
      /attributes\.punches/,
    );
  });

  it("every third qualifying purchase earns the effects and restarts the card; progress shows in the result and on the customer", async () => {
    const tenant = await newTenant(ctx);
    const rewardId = await pointsReward(tenant);
    const campaign = await tenant.server
      .post("/campaigns?type=PUNCH_CARDS", punchBody(rewardId))
      .expect(201);
    const campaignId = campaign.body.data.id;
    const customer = await newCustomer(tenant);
    const progress = [];
    for (const value of [10, 2, 10, 10, 10]) {
      const res = await tenant.server
        .post("/behavior/events", purchase(customer, value))
        .expect(201);
      progress.push(res.body.data.result.punch_cards ?? null);
    }
    // A 2.00 purchase fails the rule: no stamp.
    expect(progress).toEqual([
      [{ campaign_id: campaignId, stamps: 1, punches: 3, completed: false }],
      null,
      [{ campaign_id: campaignId, stamps: 2, punches: 3, completed: false }],
      [{ campaign_id: campaignId, stamps: 0, punches: 3, completed: true }],
      [{ campaign_id: campaignId, stamps: 1, punches: 3, completed: false }],
    ]);
    // Punch effects earn as BEHAVIOR ones do: 100 points per unit of the completing 10.00 purchase.
    expect(await balanceOf(tenant, customer, rewardId)).toBe(1000);
    const cards = await tenant.server.get(`/customers/${customer}/punch-cards`).expect(200);
    expect(cards.body.data).toEqual([
      expect.objectContaining({
        campaign_id: campaignId,
        name: "Coffee card",
        punches: 3,
        stamps: 1,
        completed: 1,
      }),
    ]);
    expectError(await tenant.client.get(`/customers/${customer}/punch-cards`), 403, "FORBIDDEN");
    expectError(await tenant.server.get("/customers/nobody/punch-cards"), 404, "NOT_FOUND");
  });

  it("consent punchcard_campaigns: false gives no stamps; unfulfilled events stamp only when fulfilled", async () => {
    const tenant = await newTenant(ctx);
    const rewardId = await pointsReward(tenant);
    await tenant.server.post("/campaigns?type=PUNCH_CARDS", punchBody(rewardId)).expect(201);
    const shy = await newCustomer(tenant, undefined, {
      consent: { purposes: { punchcard_campaigns: false } },
    });
    const res = await tenant.server.post("/behavior/events", purchase(shy, 10)).expect(201);
    expect(res.body.data.result.punch_cards).toBeUndefined();
    expect((await tenant.server.get(`/customers/${shy}/punch-cards`)).body.data).toEqual([]);

    const customer = await newCustomer(tenant);
    const pending = await tenant.server
      .post("/behavior/events", purchase(customer, 10, { fulfilled: false }))
      .expect(201);
    expect((await tenant.server.get(`/customers/${customer}/punch-cards`)).body.data).toEqual([]);
    const done = await tenant.server
      .patch(`/behavior/events/${pending.body.data.id}/fulfill`)
      .expect(200);
    expect(done.body.data.result.punch_cards[0]).toMatchObject({ stamps: 1 });
  });

  it("reversal takes a stamp back, undoes a completion (rewards and the punches it consumed), and is 409 when the stamp already paid out", async () => {
    const tenant = await newTenant(ctx);
    const rewardId = await pointsReward(tenant);
    await tenant.server
      .post(
        "/campaigns?type=PUNCH_CARDS",
        punchBody(rewardId, { attributes: { trigger: "PURCHASE", punches: 2 } }),
      )
      .expect(201);
    const customer = await newCustomer(tenant);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push(
        (await tenant.server.post("/behavior/events", purchase(customer, 10)).expect(201)).body.data
          .id,
      );
    }
    const stamps = async () =>
      (await tenant.server.get(`/customers/${customer}/punch-cards`)).body.data[0];
    expect(await stamps()).toMatchObject({ stamps: 1, completed: 1 });
    // Event 3's stamp is on the current card: it comes off.
    await tenant.server
      .post(`/behavior/events/${ids[2]}/reverse`, { reason: "refund" })
      .expect(200);
    expect(await stamps()).toMatchObject({ stamps: 0, completed: 1 });
    // Event 1's stamp went into the card event 2 completed, and the current card is empty: 409.
    expectError(
      await tenant.server.post(`/behavior/events/${ids[0]}/reverse`, { reason: "refund" }),
      409,
      "CONFLICT",
      /punch-card/,
    );
    expect(await balanceOf(tenant, customer, rewardId)).toBe(1000);
    // Reversing the completion takes its 1000 points back and returns the card to one stamp.
    await tenant.server
      .post(`/behavior/events/${ids[1]}/reverse`, { reason: "refund" })
      .expect(200);
    expect(await stamps()).toMatchObject({ stamps: 1, completed: 0 });
    expect(await balanceOf(tenant, customer, rewardId)).toBe(0);
    // Now event 1's stamp is the one on the card.
    await tenant.server
      .post(`/behavior/events/${ids[0]}/reverse`, { reason: "refund" })
      .expect(200);
    expect(await stamps()).toMatchObject({ stamps: 0, completed: 0 });
  });

  it("a completion its budget cannot pay does not count: the card keeps its stamps", async () => {
    const tenant = await newTenant(ctx);
    const rewardId = await pointsReward(tenant);
    await tenant.server
      .post(
        "/campaigns?type=PUNCH_CARDS",
        punchBody(rewardId, { attributes: { trigger: "PURCHASE", punches: 2 }, budget: 50 }),
      )
      .expect(201);
    const customer = await newCustomer(tenant);
    await tenant.server.post("/behavior/events", purchase(customer, 10)).expect(201);
    // 100 × 10 points × 0.1 = 100 > 50.
    const res = await tenant.server.post("/behavior/events", purchase(customer, 10)).expect(201);
    expect(res.body.data.result.punch_cards).toBeUndefined();
    const card = (await tenant.server.get(`/customers/${customer}/punch-cards`)).body.data[0];
    expect(card).toMatchObject({ stamps: 1, completed: 0 });
  });
});
