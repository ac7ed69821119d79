import { ZCampaignSchema, ZRewardSchema, ZTierSchema } from "@tally/schemas";
import { createTier } from "@tally/service";
import { describe, expect, it } from "vitest";
import { expectError, newCustomer, newTenant, purchase, useTestApp } from "./helpers.ts";

const ctx = useTestApp();

const points = { name: "Points", type: "POINTS", attributes: { conversion_factor: 0.1 } };

describe("rewards", () => {
  it("creates, reads and lists rewards by inclusive index range with filters", async () => {
    const tenant = await newTenant(ctx);
    const created = await tenant.server.post("/rewards", {
      ...points,
      brand_id: "0001",
      conditions: [
        [{ type: "Order Value", operator: "grater than", primitive: "string", value: 9.95 }],
      ],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const reward = ZRewardSchema.parse(created.body.data);
    expect(reward.attributes).toMatchObject({ conversion_factor: 0.1, decimals: 0 });
    expect((await tenant.server.get(`/rewards/${reward.id}`).expect(200)).body.data).toEqual(
      reward,
    );
    await tenant.server
      .post("/rewards", {
        name: "10% off",
        type: "DISCOUNT",
        attributes: { discount_type: "PERCENTAGE", value: 10, target: "ORDER" },
      })
      .expect(201);
    await tenant.server
      .post("/rewards", {
        name: "Free coffee",
        type: "PRODUCT",
        attributes: { mode: "ADD", sku: "COFFEE" },
      })
      .expect(201);
    const page = await tenant.server.get("/rewards?from=0&to=1").expect(200);
    expect(page.body).toMatchObject({ from: 0, to: 1, count: 3 });
    expect(page.body.data).toHaveLength(2);
    const discounts = await tenant.server.get("/rewards?from=0&to=9&type=DISCOUNT").expect(200);
    expect(discounts.body.data.map((r: { name: string }) => r.name)).toEqual(["10% off"]);
    const branded = await tenant.server.get("/rewards?from=0&to=9&brand_id=0001").expect(200);
    expect(branded.body.data.map((r: { id: string }) => r.id)).toEqual([reward.id]);
  });

  it("validates rewards: fields, attributes per type, conditions, brand", async () => {
    const tenant = await newTenant(ctx);
    const cases: [unknown, number, RegExp][] = [
      [{ ...points, name: undefined }, 400, /name/],
      [{ ...points, type: "CASHBACK" }, 400, /type/],
      [{ ...points, attributes: { conversion_factor: -1 } }, 400, /attributes\.conversion_factor/],
      [
        { ...points, attributes: {} },
        400,
        /^attributes\.conversion_factor: is required for a POINTS reward: the money value of one point/,
      ],
      [
        { name: "Stars", type: "POINTS" },
        400,
        /^attributes\.conversion_factor: is required for a POINTS reward/,
      ],
      [
        { ...points, attributes: { conversion_factor: 0 } },
        400,
        /^attributes\.conversion_factor: must be above 0/,
      ],
      [{ ...points, attributes: { decimals: 12 } }, 400, /attributes\.decimals/],
      [
        {
          name: "d",
          type: "DISCOUNT",
          attributes: { discount_type: "PERCENTAGE", value: 150, target: "ORDER" },
        },
        400,
        /attributes\.value/,
      ],
      [
        {
          name: "d",
          type: "DISCOUNT",
          attributes: { discount_type: "FIXED", value: 5, target: "CART" },
        },
        400,
        /attributes\.target/,
      ],
      [
        { name: "p", type: "PRODUCT", attributes: { mode: "REPLACE", sku: "A" } },
        400,
        /attributes\.replaces_sku/,
      ],
      [
        {
          ...points,
          conditions: [
            [{ type: "Moon Phase", operator: "equal to", primitive: "string", value: "full" }],
          ],
        },
        400,
        /conditions\[0\]\[0\]/,
      ],
      [
        {
          ...points,
          conditions: [
            [{ type: "Order Value", operator: "bigger than", primitive: "number", value: 1 }],
          ],
        },
        400,
        /operator/,
      ],
      [{ ...points, conditions: [{ type: "Order Value" }] }, 400, /conditions\[0\]/],
      [{ ...points, brand_id: "9999" }, 404, /brand_id/],
    ];
    for (const [body, status, field] of cases) {
      const res = await tenant.server.post("/rewards", body);
      expectError(res, status, status === 400 ? "VALIDATION_FAILED" : "NOT_FOUND", field);
    }
    expectError(await tenant.server.get("/rewards?from=0"), 400, "VALIDATION_FAILED", /to/);
    expectError(await tenant.server.get("/rewards?from=5&to=2"), 400, "VALIDATION_FAILED", /to/);
    expectError(await tenant.server.get("/rewards/not-a-uuid"), 404, "NOT_FOUND");
    expectError(
      await tenant.server.get("/rewards/0199a1b2-0000-7000-8000-000000000000"),
      404,
      "NOT_FOUND",
      /reward/,
    );
    expect((await tenant.server.get("/rewards?from=0&to=9")).body.count).toBe(0);
  });
});

describe("campaigns", () => {
  const campaignBody = (rewardId: string, extra: object = {}) => ({
    name: "Double points",
    attributes: { trigger: "PURCHASE" },
    rules: [
      {
        conditions: [],
        effects: [{ reward_id: rewardId, amount: 2, expiration_date: "6/months" }],
      },
    ],
    withoutEndDate: true,
    labels: [{ label: "Summer", value: "summer" }],
    ...extra,
  });

  it("creates from ?type= with rules as JSON or JSON string, reads the derived status, lists with filters", async () => {
    const tenant = await newTenant(ctx);
    const reward = (await tenant.server.post("/rewards", points).expect(201)).body.data;
    const asJson = await tenant.server.post("/campaigns?type=BEHAVIOR", campaignBody(reward.id));
    expect(asJson.status, JSON.stringify(asJson.body)).toBe(201);
    const campaign = ZCampaignSchema.parse(asJson.body.data);
    expect(campaign).toMatchObject({
      type: "BEHAVIOR",
      status: "RUNNING",
      labels: ["summer"],
      end_date: null,
    });
    expect(campaign.attributes).toMatchObject({ trigger: "PURCHASE", privacy: "PRIVATE" });
    const body = campaignBody(reward.id, {
      type: "BEHAVIOR",
      start_date: new Date(Date.now() + 86_400_000).toISOString(),
    });
    const asString = await tenant.server.post("/campaigns", {
      ...body,
      rules: JSON.stringify(body.rules),
      metadata: JSON.stringify({ owner: "mkt" }),
    });
    expect(asString.status, JSON.stringify(asString.body)).toBe(201);
    expect(asString.body.data).toMatchObject({ status: "SCHEDULED", metadata: { owner: "mkt" } });
    const paused = await tenant.server
      .post(
        "/campaigns?type=BEHAVIOR",
        campaignBody(reward.id, { status: "INACTIVE", labels: ["winter"] }),
      )
      .expect(201);
    expect(paused.body.data.status).toBe("PAUSED");

    const running = await tenant.server.get("/campaigns?from=0&to=9&status=RUNNING").expect(200);
    expect(running.body.data.map((c: { id: string }) => c.id)).toEqual([campaign.id]);
    const notFinished = await tenant.server
      .get("/campaigns?from=0&to=9&status=NOT%20FINISHED")
      .expect(200);
    expect(notFinished.body.count).toBe(3);
    const winter = await tenant.server
      .get("/campaigns?from=0&to=9&labels=winter,autumn")
      .expect(200);
    expect(winter.body.data.map((c: { id: string }) => c.id)).toEqual([paused.body.data.id]);
    expect((await tenant.server.get(`/campaigns/${campaign.id}`).expect(200)).body.data.id).toBe(
      campaign.id,
    );
  });

  it("a plain end date is the end of that day: a campaign ending today runs today", async () => {
    ctx.clock.pin(new Date("2030-06-10T15:00:00.000Z"));
    const tenant = await newTenant(ctx);
    const reward = (await tenant.server.post("/rewards", points).expect(201)).body.data;
    const oneDay = await tenant.server
      .post("/campaigns?type=BEHAVIOR", {
        ...campaignBody(reward.id),
        withoutEndDate: false,
        end_date: "2030-06-10",
      })
      .expect(201);
    expect(oneDay.body.data).toMatchObject({
      status: "RUNNING",
      end_date: "2030-06-11T00:00:00.000Z",
    });
    const customerId = await newCustomer(tenant);
    const earned = await tenant.server
      .post("/behavior/events", purchase(customerId, 10))
      .expect(201);
    expect(earned.body.data.result.accumulations).toHaveLength(1);
    // A year to the day from a start at midnight is allowed; a day more is not.
    const yearLong = {
      ...campaignBody(reward.id),
      withoutEndDate: false,
      start_date: "2030-07-01",
      end_date: "2031-06-30",
    };
    await tenant.server.post("/campaigns?type=BEHAVIOR", yearLong).expect(201);
    // Across a 29 February a year to the day is 366 days.
    await tenant.server
      .post("/campaigns?type=BEHAVIOR", {
        ...yearLong,
        start_date: "2031-06-01",
        end_date: "2032-05-31",
      })
      .expect(201);
    expectError(
      await tenant.server.post("/campaigns?type=BEHAVIOR", { ...yearLong, end_date: "2031-07-01" }),
      400,
      "VALIDATION_FAILED",
      /end_date: must be at most a year/,
    );
  });

  it("lists the campaigns a customer can take part in (customer_id)", async () => {
    const tenant = await newTenant(ctx);
    const reward = (await tenant.server.post("/rewards", points).expect(201)).body.data;
    const create = async (name: string, conditions: object[][], extra: object = {}) =>
      (
        await tenant.server
          .post("/campaigns?type=BEHAVIOR", {
            ...campaignBody(reward.id, extra),
            name,
            rules: [{ conditions, effects: [{ reward_id: reward.id, amount: 1 }] }],
          })
          .expect(201)
      ).body.data.id as string;
    const everyone = await create("everyone", []);
    const vips = await create("vips", [
      [
        {
          type: "Customer Tag",
          operator: "equal to",
          primitive: "string",
          value: { key: "segment", value: "vip" },
        },
      ],
    ]);
    // A condition on the event is left open: any customer may still meet it.
    const bigOrders = await create("big orders", [
      [{ type: "Order Value", operator: "greater than", primitive: "number", value: 500 }],
    ]);
    await create("paused", [], { status: "INACTIVE" });
    const vip = await newCustomer(tenant, undefined, { tags: { segment: "vip" } });
    const plain = await newCustomer(tenant);
    const list = async (customerId: string, range = "from=0&to=9") => {
      const res = await tenant.server
        .get(`/campaigns?${range}&customer_id=${customerId}`)
        .expect(200);
      return res.body;
    };
    expect((await list(vip)).data.map((c: { id: string }) => c.id)).toEqual([
      everyone,
      vips,
      bigOrders,
    ]);
    const forPlain = await list(plain);
    expect(forPlain.data.map((c: { id: string }) => c.id)).toEqual([everyone, bigOrders]);
    expect(forPlain).toMatchObject({ from: 0, to: 1, count: 2 });
    expect(await list(plain, "from=1&to=1")).toMatchObject({ from: 1, to: 1, count: 2 });
    // Without consent to behavioural campaigns there is none to take part in.
    await tenant.server
      .patch(`/customers/${plain}/consent`, {
        consent: { purposes: { behavioral_campaigns: false } },
      })
      .expect(200);
    expect(await list(plain)).toMatchObject({ data: [], count: 0 });
    expectError(
      await tenant.server.get("/campaigns?from=0&to=9&customer_id=nobody"),
      404,
      "NOT_FOUND",
      /customer "nobody"/,
    );
  });

  it("validates campaign writes", async () => {
    const tenant = await newTenant(ctx);
    const reward = (await tenant.server.post("/rewards", points).expect(201)).body.data;
    const discount = (
      await tenant.server
        .post("/rewards", {
          name: "10% off",
          type: "DISCOUNT",
          attributes: { discount_type: "PERCENTAGE", value: 10, target: "ORDER" },
        })
        .expect(201)
    ).body.data;
    const past = new Date(Date.now() - 3600_000).toISOString();
    const cases: [string, unknown, number, string, RegExp][] = [
      [
        "/campaigns?type=COUPONS",
        {
          ...campaignBody(discount.id),
          quantity: 10,
          rules: [{ conditions: [], effects: [{ reward_id: discount.id, amount: 0.5 }] }],
        },
        400,
        "VALIDATION_FAILED",
        /^rules\[0\]\.effects\[0\]\.amount: a DISCOUNT reward is given in whole units/,
      ],
      ["/campaigns", campaignBody(reward.id), 400, "VALIDATION_FAILED", /type/],
      ["/campaigns?type=LOTTERY", campaignBody(reward.id), 400, "VALIDATION_FAILED", /type/],
      [
        "/campaigns?type=PUNCH_CARDS",
        campaignBody(reward.id),
        400,
        "VALIDATION_FAILED",
        /attributes\.punches/,
      ],
      [
        "/campaigns?type=BEHAVIOR",
        { ...campaignBody(reward.id), attributes: {} },
        400,
        "VALIDATION_FAILED",
        /trigger/,
      ],
      [
        "/campaigns?type=BEHAVIOR",
        { ...campaignBody(reward.id), rules: [] },
        400,
        "VALIDATION_FAILED",
        /rules/,
      ],
      [
        "/campaigns?type=BEHAVIOR",
        { ...campaignBody(reward.id), rules: "{oops" },
        400,
        "VALIDATION_FAILED",
        /rules/,
      ],
      [
        "/campaigns?type=BEHAVIOR",
        campaignBody(reward.id, { start_date: past }),
        400,
        "VALIDATION_FAILED",
        /start_date/,
      ],
      [
        "/campaigns?type=BEHAVIOR",
        campaignBody(reward.id, {
          withoutEndDate: false,
          end_date: new Date(Date.now() - 1000).toISOString(),
        }),
        400,
        "VALIDATION_FAILED",
        /end_date/,
      ],
      [
        "/campaigns?type=BEHAVIOR",
        campaignBody(reward.id, { budget: 0 }),
        400,
        "VALIDATION_FAILED",
        /budget/,
      ],
      [
        "/campaigns?type=BEHAVIOR",
        campaignBody(reward.id, { divide_budget_in: "hourly", budget: 5 }),
        400,
        "VALIDATION_FAILED",
        /divide_budget_in/,
      ],
      [
        "/campaigns?type=BEHAVIOR",
        campaignBody(reward.id, {
          rules: [
            { effects: [{ reward_id: reward.id, amount: 1, expiration_date: "12/fortnights" }] },
          ],
        }),
        400,
        "VALIDATION_FAILED",
        /rules\[0\]\.effects\[0\]\.expiration_date/,
      ],
      [
        "/campaigns?type=BEHAVIOR",
        campaignBody(reward.id, { rules: [{ effects: [{ reward_id: reward.id, amount: -1 }] }] }),
        400,
        "VALIDATION_FAILED",
        /rules\[0\]\.effects\[0\]\.amount/,
      ],
      [
        "/campaigns?type=BEHAVIOR",
        campaignBody(reward.id, {
          rules: [
            {
              conditions: [
                [{ type: "Order Value", operator: "between", primitive: "number", value: 5 }],
              ],
              effects: [{ reward_id: reward.id, amount: 1 }],
            },
          ],
        }),
        400,
        "VALIDATION_FAILED",
        /rules\[0\]\.conditions\[0\]\[0\]/,
      ],
      [
        "/campaigns?type=BEHAVIOR",
        campaignBody("0199a1b2-0000-7000-8000-000000000000"),
        404,
        "NOT_FOUND",
        /rules\[0\]\.effects\[0\]\.reward_id/,
      ],
      [
        "/campaigns?type=BEHAVIOR",
        campaignBody(reward.id, { brand_id: "9999" }),
        404,
        "NOT_FOUND",
        /brand_id/,
      ],
    ];
    for (const [path, body, status, code, field] of cases) {
      expectError(await tenant.server.post(path, body), status, code, field);
    }
    expect((await tenant.server.get("/campaigns?from=0&to=9")).body.count).toBe(0);
  });

  it("PUT freezes rules, trigger, brand and start once started (409); a scheduled campaign may change", async () => {
    const tenant = await newTenant(ctx);
    const reward = (await tenant.server.post("/rewards", points).expect(201)).body.data;
    const started = (
      await tenant.server.post("/campaigns?type=BEHAVIOR", campaignBody(reward.id)).expect(201)
    ).body.data;
    const renamed = await tenant.server.put(`/campaigns/${started.id}?type=BEHAVIOR`, {
      ...campaignBody(reward.id),
      name: "Renamed",
      start_date: started.start_date,
    });
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
    expect(renamed.body.data.name).toBe("Renamed");
    // Created "from today" (a plain date), the same body sent again later changes nothing.
    const today = ctx.clock.now().toISOString().slice(0, 10);
    const fromToday = (
      await tenant.server
        .post("/campaigns?type=BEHAVIOR", { ...campaignBody(reward.id), start_date: today })
        .expect(201)
    ).body.data;
    ctx.clock.pin(new Date(ctx.clock.now().getTime() + 5_000));
    const resent = await tenant.server.put(`/campaigns/${fromToday.id}?type=BEHAVIOR`, {
      ...campaignBody(reward.id),
      start_date: today,
      name: "Renamed again",
    });
    expect(resent.status, JSON.stringify(resent.body)).toBe(200);
    expect(resent.body.data.start_date).toBe(fromToday.start_date);
    const newRules = [{ conditions: [], effects: [{ reward_id: reward.id, amount: 3 }] }];
    expectError(
      await tenant.server.put(`/campaigns/${started.id}?type=BEHAVIOR`, {
        ...campaignBody(reward.id),
        rules: newRules,
        start_date: started.start_date,
      }),
      409,
      "CONFLICT",
      /rules/,
    );
    expectError(
      await tenant.server.put(`/campaigns/${started.id}?type=BEHAVIOR`, {
        ...campaignBody(reward.id),
        attributes: { trigger: "REGISTRATION" },
        start_date: started.start_date,
      }),
      409,
      "CONFLICT",
      /trigger/,
    );
    expectError(
      await tenant.server.put(`/campaigns/${started.id}?type=REFERRALS`, campaignBody(reward.id)),
      409,
      "CONFLICT",
      /type/,
    );
    const later = new Date(Date.now() + 86_400_000).toISOString();
    const scheduled = (
      await tenant.server
        .post("/campaigns?type=BEHAVIOR", campaignBody(reward.id, { start_date: later }))
        .expect(201)
    ).body.data;
    const changed = await tenant.server.put(`/campaigns/${scheduled.id}?type=BEHAVIOR`, {
      ...campaignBody(reward.id),
      rules: newRules,
      start_date: later,
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body.data.rules[0].effects[0].amount).toBe(3);
    expectError(
      await tenant.server.put(
        "/campaigns/0199a1b2-0000-7000-8000-000000000000?type=BEHAVIOR",
        campaignBody(reward.id),
      ),
      404,
      "NOT_FOUND",
    );
  });
});

describe("tiers", () => {
  it("lists the Base tier and promotes a customer when a higher tier's entry conditions hold", async () => {
    const tenant = await newTenant(ctx);
    const deps = { db: ctx.t.db, now: ctx.clock.now };
    const gold = await createTier(deps, tenant.accountId, {
      name: "Gold",
      level: 2,
      status: "ACTIVE",
      entry_conditions: [
        [
          {
            type: "Customer Spend Total",
            operator: "greater than or equal to",
            primitive: "currency",
            value: 100,
          },
        ],
      ],
      exit_conditions: [],
    });
    const tiers = (await tenant.server.get("/tiers").expect(200)).body.data.map((t: unknown) =>
      ZTierSchema.parse(t),
    );
    expect(tiers.map((t: { name: string; level: number }) => [t.name, t.level])).toEqual([
      ["Base", 1],
      ["Gold", 2],
    ]);
    const customerId = await newCustomer(tenant);
    await tenant.server.post("/behavior/events", purchase(customerId, 60)).expect(201);
    expect((await tenant.server.get(`/customers/${customerId}`)).body.data.customer.tier_id).toBe(
      tiers[0].id,
    );
    await tenant.server.post("/behavior/events", purchase(customerId, 40)).expect(201);
    expect((await tenant.server.get(`/customers/${customerId}`)).body.data.customer.tier_id).toBe(
      gold.id,
    );
  });
});
