import { COUPON_ALPHABET } from "@tally/core";
import { ZCampaignSchema, ZCodesSummarySchema } from "@tally/schemas";
import { createCampaign } from "@tally/service";
import { describe, expect, it } from "vitest";
import { codesOf, couponBody, couponProgram } from "./coupon-fixtures.ts";
import { expectError, newCustomer, newTenant, useTestApp } from "./helpers.ts";

const ctx = useTestApp();
const generated = new RegExp(`^[${COUPON_ALPHABET}]{8}$`);

describe("COUPONS campaigns", () => {
  it("generates `quantity` unique single-use codes and lists them with include=CODES", async () => {
    const tenant = await newTenant(ctx);
    const { campaignId, codes } = await couponProgram(tenant, { extra: { quantity: 25 } });
    expect(codes).toHaveLength(25);
    expect(new Set(codes.map((c) => c.code.toLowerCase())).size).toBe(25);
    for (const c of codes) {
      expect(c.code).toMatch(generated);
      expect(c).toMatchObject({ max_uses: 1, uses_count: 0 });
    }
    const plain = await tenant.server.get(`/campaigns/${campaignId}`).expect(200);
    const campaign = ZCampaignSchema.parse(plain.body.data);
    expect(campaign).toMatchObject({ type: "COUPONS", status: "RUNNING", quantity: 25 });
    expect(campaign.codes).toBeUndefined();
    expect(campaign.attributes).toMatchObject({ trigger: null, useCustomCodes: false });
  });

  it("takes custom codes comma- or newline-separated, kept as written, unlimited per code", async () => {
    const tenant = await newTenant(ctx);
    const { codes } = await couponProgram(tenant, {
      extra: {
        useCustomCodes: true,
        customCodes: "SUMMER10, winter-5\nSpring_1\r\n,",
        quantity: 100,
      },
    });
    expect(codes.map((c) => c.code).sort()).toEqual(["SUMMER10", "Spring_1", "winter-5"]);
    expect(codes.every((c) => c.max_uses === null)).toBe(true);
  });

  it("generates codes with the service's length and prefix options", async () => {
    const tenant = await newTenant(ctx);
    const reward = await tenant.server
      .post("/rewards", { name: "P", type: "POINTS", attributes: { conversion_factor: 1 } })
      .expect(201);
    const campaign = await createCampaign(
      ctx.deps,
      tenant.accountId,
      "COUPONS",
      {
        ...couponBody(reward.body.data.id, { extra: { quantity: 10 } }),
        status: "ACTIVE",
        attributes: {},
      } as never,
      { codeFormat: { length: 12, prefix: "VIP-" } },
    );
    const codes = await codesOf(tenant, campaign.id);
    expect(codes).toHaveLength(10);
    for (const c of codes) expect(c.code).toMatch(new RegExp(`^VIP-[${COUPON_ALPHABET}]{12}$`));
    await expect(
      createCampaign(
        ctx.deps,
        tenant.accountId,
        "COUPONS",
        { ...couponBody(reward.body.data.id), status: "ACTIVE", attributes: {} } as never,
        {
          codeFormat: { length: 2 },
        },
      ),
    ).rejects.toThrow(/codes.length/);
  });

  it("keeps codes unique per account, case-insensitively, even when draws collide", async () => {
    const tenant = await newTenant(ctx);
    const reward = await tenant.server
      .post("/rewards", { name: "P", type: "POINTS", attributes: { conversion_factor: 1 } })
      .expect(201);
    // 32^4 ≈ 1M possible codes: two campaigns of 6,000 draw ~35 clashes the engine must redraw.
    const write = (quantity: number) =>
      createCampaign(
        ctx.deps,
        tenant.accountId,
        "COUPONS",
        {
          ...couponBody(reward.body.data.id, { extra: { quantity } }),
          status: "ACTIVE",
          attributes: {},
        } as never,
        { codeFormat: { length: 4 } },
      );
    const a = await write(6000);
    const b = await write(6000);
    const all = [...(await codesOf(tenant, a.id)), ...(await codesOf(tenant, b.id))];
    expect(all).toHaveLength(12_000);
    expect(new Set(all.map((c) => c.code.toLowerCase())).size).toBe(12_000);
  }, 60_000);

  it("refuses bad code fields (400) and codes another campaign holds (409), writing nothing", async () => {
    const tenant = await newTenant(ctx);
    const { rewardId } = await couponProgram(tenant, {
      extra: { useCustomCodes: true, customCodes: "TAKEN" },
    });
    const post = (extra: Record<string, unknown>) =>
      tenant.server.post("/campaigns?type=COUPONS", couponBody(rewardId, { extra }));
    expectError(await post({ quantity: null }), 400, "VALIDATION_FAILED", /quantity: is required/);
    expectError(await post({ quantity: 0 }), 400, "VALIDATION_FAILED", /quantity/);
    expectError(await post({ quantity: 100_001 }), 400, "VALIDATION_FAILED", /quantity: at most/);
    expectError(await post({ quantity: 1.5 }), 400, "VALIDATION_FAILED", /quantity/);
    expectError(
      await post({ useCustomCodes: true }),
      400,
      "VALIDATION_FAILED",
      /customCodes: is required/,
    );
    expectError(await post({ useCustomCodes: "yes" }), 400, "VALIDATION_FAILED", /useCustomCodes/);
    expectError(
      await post({ useCustomCodes: true, customCodes: " ,\n" }),
      400,
      "VALIDATION_FAILED",
      /customCodes: lists no code/,
    );
    expectError(
      await post({ useCustomCodes: true, customCodes: "A1,bad code!" }),
      400,
      "VALIDATION_FAILED",
      /"bad code!"/,
    );
    expectError(
      await post({ useCustomCodes: true, customCodes: "Dup1,DUP1" }),
      400,
      "VALIDATION_FAILED",
      /"DUP1" is listed more than once/,
    );
    expectError(
      await post({ useCustomCodes: true, customCodes: 42 }),
      400,
      "VALIDATION_FAILED",
      /customCodes/,
    );
    expectError(
      await post({ useCustomCodes: true, customCodes: "NEW1,taken" }),
      409,
      "CONFLICT",
      /"taken" already exists/,
    );
    const list = await tenant.server.get("/campaigns?from=0&to=9&type=COUPONS").expect(200);
    expect(list.body.count).toBe(1);
    const codes = await ctx.t.db
      .selectFrom("coupon_codes")
      .select("code")
      .where("account_id", "=", tenant.accountId)
      .execute();
    expect(codes.map((c) => c.code)).toEqual(["TAKEN"]);
    // Another account may hold the same code.
    const other = await newTenant(ctx);
    await couponProgram(other, { extra: { useCustomCodes: true, customCodes: "taken" } });
  });

  it("PUT tops generated codes up to quantity and syncs custom codes; redeemed codes stay (409)", async () => {
    const tenant = await newTenant(ctx);
    const gen = await couponProgram(tenant, { extra: { quantity: 3 } });
    await tenant.server
      .put(
        `/campaigns/${gen.campaignId}?type=COUPONS`,
        couponBody(gen.rewardId, { extra: { quantity: 7 } }),
      )
      .expect(200);
    const topped = await codesOf(tenant, gen.campaignId);
    expect(topped).toHaveLength(7);
    expect(topped.slice(0, 3)).toEqual(gen.codes);

    const custom = await couponProgram(tenant, {
      extra: { useCustomCodes: true, customCodes: "KEEP,DROP,USED" },
    });
    const customer = await newCustomer(tenant);
    await tenant.server
      .post("/coupons/redeem", { customer_id: customer, code: "USED" })
      .expect(200);
    const put = (extra: Record<string, unknown>) =>
      tenant.server.put(
        `/campaigns/${custom.campaignId}?type=COUPONS`,
        couponBody(custom.rewardId, { extra }),
      );
    expectError(
      await put({ customCodes: "KEEP,NEW" }),
      409,
      "CONFLICT",
      /"USED" was already redeemed/,
    );
    expectError(
      await put({ useCustomCodes: false, quantity: 3 }),
      409,
      "CONFLICT",
      /useCustomCodes: cannot switch/,
    );
    expectError(
      await put({ customCodes: "KEEP,USED", quantity: 0 }),
      409,
      "CONFLICT",
      /quantity: 1 redemptions/,
    );
    await put({ customCodes: "keep,USED,NEW" }).expect(200);
    expect((await codesOf(tenant, custom.campaignId)).map((c) => c.code).sort()).toEqual([
      "KEEP",
      "NEW",
      "USED",
    ]);
    // Omitting the code fields keeps the codes and the mode.
    await put({ name: "Renamed", quantity: null }).expect(200);
    expect(await codesOf(tenant, custom.campaignId)).toHaveLength(3);
    // A campaign never redeemed may switch from generated to custom codes.
    await tenant.server
      .put(
        `/campaigns/${gen.campaignId}?type=COUPONS`,
        couponBody(gen.rewardId, { extra: { useCustomCodes: true, customCodes: "ONLY" } }),
      )
      .expect(200);
    expect((await codesOf(tenant, gen.campaignId)).map((c) => c.code)).toEqual(["ONLY"]);
  });

  it("lists COUPONS campaigns with Masivo's filters and include=CODES_SUMMARY", async () => {
    const tenant = await newTenant(ctx);
    const a = await couponProgram(tenant, {
      extra: { quantity: 2, funded_by: "MARKETING", labels: ["spring"], brand_id: "0001" },
    });
    const b = await couponProgram(tenant, {
      extra: { useCustomCodes: true, customCodes: "X1,X2,X3", status: "INACTIVE" },
    });
    const c1 = await newCustomer(tenant);
    await tenant.server
      .post("/coupons/redeem", { customer_id: c1, code: a.codes[0]!.code, brand_id: "0001" })
      .expect(200);
    const ids = async (q: string) =>
      (await tenant.server.get(`/campaigns?from=0&to=9&${q}`).expect(200)).body.data.map(
        (c: { id: string }) => c.id,
      );
    expect(await ids("type=COUPONS")).toEqual([a.campaignId, b.campaignId]);
    expect(await ids("type=BEHAVIOR")).toEqual([]);
    expect(await ids("status=RUNNING")).toEqual([a.campaignId]);
    expect(await ids("status=PAUSED")).toEqual([b.campaignId]);
    expect(await ids("brand_id=0001")).toEqual([a.campaignId]);
    expect(await ids("labels=spring")).toEqual([a.campaignId]);
    expect(await ids("funded_by=MARKETING")).toEqual([a.campaignId]);
    const list = await tenant.server
      .get("/campaigns?from=0&to=9&include=CODES_SUMMARY")
      .expect(200);
    const summaries = list.body.data.map((c: { attributes: { codes_summary: unknown } }) =>
      ZCodesSummarySchema.parse(c.attributes.codes_summary),
    );
    expect(summaries).toEqual([
      { total: 2, used: 1, available: 1, redemptions: 1, remaining: 1 },
      { total: 3, used: 0, available: 3, redemptions: 0, remaining: 5 },
    ]);
    const one = await tenant.server
      .get(`/campaigns/${a.campaignId}?include=codes,CODES_SUMMARY`)
      .expect(200);
    expect(one.body.data.attributes.codes_summary).toEqual(summaries[0]);
    expect(one.body.data.codes).toHaveLength(2);
    expect(
      (await tenant.server.get("/campaigns?from=0&to=9")).body.data[0].attributes.codes_summary,
    ).toBeUndefined();
    expectError(
      await tenant.server.get("/campaigns?from=0&to=9&include=CODES"),
      400,
      "VALIDATION_FAILED",
      /include/,
    );
    expectError(
      await tenant.server.get(`/campaigns/${a.campaignId}?include=EVERYTHING`),
      400,
      "VALIDATION_FAILED",
      /include/,
    );
    expectError(
      await tenant.client.get(`/campaigns/${a.campaignId}?include=CODES`),
      403,
      "FORBIDDEN",
    );
    expectError(
      await tenant.client.post("/campaigns?type=COUPONS", couponBody(a.rewardId)),
      403,
      "FORBIDDEN",
    );
  });
});
