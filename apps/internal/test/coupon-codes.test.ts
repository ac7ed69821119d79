import { randomUUID } from "node:crypto";
import { createCustomer, redeemCoupon } from "@tally/service";
import { describe, expect, it } from "vitest";
import { expectTallyError, useInternalApi } from "./harness.ts";

const h = useInternalApi();

async function couponCampaign() {
  const account = await h.newAccount();
  const reward = await account.client.rewards.create.mutate({
    name: "Points",
    type: "POINTS",
    attributes: { conversion_factor: "0.1" },
  });
  const campaign = await account.client.campaigns.create.mutate({
    type: "COUPONS",
    name: "Codes",
    useCustomCodes: true,
    customCodes: "WELCOME",
    rules: [{ conditions: [], effects: [{ reward_id: reward.id, amount: "5" }] }],
  });
  return { ...account, campaign };
}

describe("coupon codes", () => {
  it("generates 10,000 codes in one call, all distinct ignoring case, in the asked format; a retry answers the same batch", async () => {
    const { client, campaign } = await couponCampaign();
    const batch_id = randomUUID();
    const input = {
      campaign_id: campaign.id,
      batch_id,
      count: 10_000,
      length: 10,
      prefix: "X-",
      charset: "DIGITS" as const,
    };
    const made = await client.couponCodes.generate.mutate(input);
    expect(made.codes).toHaveLength(10_000);
    expect(new Set(made.codes.map((c) => c.toLowerCase())).size).toBe(10_000);
    for (const code of made.codes) expect(code).toMatch(/^X-\d{10}$/);
    const again = await client.couponCodes.generate.mutate(input);
    expect(again.codes.sort()).toEqual([...made.codes].sort());
    const { n } = await h.t.db
      .selectFrom("coupon_codes")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .where("campaign_id", "=", campaign.id)
      .executeTakeFirstOrThrow();
    expect(Number(n)).toBe(10_001);
    await expectTallyError(
      client.couponCodes.generate.mutate({ ...input, batch_id: randomUUID(), length: 4 }),
      "VALIDATION_FAILED",
      /^length: 4 DIGITS characters make 10000 codes, too few to draw 10000/,
    );
  });

  it("imports custom codes reporting duplicates; lists by cursor and status; a disabled code is refused at redeem", async () => {
    const { accountId, client, campaign } = await couponCampaign();
    const result = await client.couponCodes.import.mutate({
      campaign_id: campaign.id,
      codes: ["SUMMER", " autumn ", "summer", "welcome"],
    });
    expect(result).toEqual({
      imported: 2,
      duplicates: [
        { code: "summer", reason: "LISTED_TWICE" },
        { code: "welcome", reason: "IN_THIS_CAMPAIGN" },
      ],
    });
    await expectTallyError(
      client.couponCodes.import.mutate({ campaign_id: campaign.id, codes: ["ok", "not ok!"] }),
      "VALIDATION_FAILED",
      `codes[1]: "not ok!" must be 1–64 letters, digits, '-' or '_'`,
    );
    const first = await client.couponCodes.list.query({ campaign_id: campaign.id, limit: 2 });
    expect(first.items.map((c) => c.code)).toEqual(["WELCOME", "SUMMER"]);
    const rest = await client.couponCodes.list.query({
      campaign_id: campaign.id,
      cursor: first.next_cursor!,
    });
    expect(rest).toMatchObject({ items: [{ code: "autumn" }], next_cursor: null });

    const disabled = await client.couponCodes.disable.mutate({ code: "summer" });
    expect(disabled).toMatchObject({ code: "SUMMER", status: "DISABLED" });
    expect(await client.couponCodes.disable.mutate({ code: "SUMMER" })).toEqual(disabled);
    const listed = await client.couponCodes.list.query({
      campaign_id: campaign.id,
      status: "DISABLED",
    });
    expect(listed.items.map((c) => c.code)).toEqual(["SUMMER"]);
    await createCustomer(h.deps, accountId, { id: "c1", is_anonymous: false } as Parameters<
      typeof createCustomer
    >[2]);
    await expect(
      redeemCoupon(h.deps, accountId, { customer_id: "c1", code: "summer" }),
    ).rejects.toMatchObject({
      code: "COUPON_INACTIVE",
      details: 'code: coupon "summer" is disabled',
    });
    await redeemCoupon(h.deps, accountId, { customer_id: "c1", code: "autumn" });
    const used = await client.couponCodes.list.query({
      campaign_id: campaign.id,
      status: "AVAILABLE",
    });
    expect(used.items.map((c) => [c.code, c.uses_count])).toEqual([
      ["WELCOME", 0],
      ["autumn", 1],
    ]);
  });

  it("exports a campaign's codes as CSV", async () => {
    const { client, campaign } = await couponCampaign();
    await client.couponCodes.import.mutate({
      campaign_id: campaign.id,
      codes: ["A-1", "B_2"],
      max_uses: 3,
    });
    await client.couponCodes.disable.mutate({ code: "B_2" });
    const out = await client.couponCodes.exportCsv.query({ campaign_id: campaign.id });
    expect(out).toMatchObject({
      filename: `codes-${campaign.id}.csv`,
      content_type: "text/csv",
      rows: 3,
    });
    const lines = out.csv.split("\r\n");
    expect(lines[0]).toBe("code,status,max_uses,uses_count,batch_id,created_at,disabled_at");
    expect(lines[1]).toMatch(/^WELCOME,AVAILABLE,,0,,\d{4}-\d\d-\d\dT[\d:.]+Z,$/);
    expect(lines[2]).toMatch(/^A-1,AVAILABLE,3,0,,/);
    expect(lines[3]).toMatch(/^B_2,DISABLED,3,0,,.+Z,\d{4}-.+Z$/);
    expect(lines[4]).toBe("");
    const disabledOnly = await client.couponCodes.exportCsv.query({
      campaign_id: campaign.id,
      status: "DISABLED",
    });
    expect(disabledOnly.rows).toBe(1);
  });

  it("another account's campaign and code are NOT_FOUND; non-COUPONS campaigns take no codes", async () => {
    const a = await couponCampaign();
    const b = await couponCampaign();
    await expectTallyError(
      a.client.couponCodes.generate.mutate({
        campaign_id: b.campaign.id,
        batch_id: randomUUID(),
        count: 1,
      }),
      "NOT_FOUND",
      `campaign_id: campaign "${b.campaign.id}" not found`,
    );
    await expectTallyError(
      a.client.couponCodes.exportCsv.query({ campaign_id: b.campaign.id }),
      "NOT_FOUND",
    );
    await expectTallyError(
      a.client.couponCodes.disable.mutate({ code: "does-not-exist" }),
      "COUPON_NOT_FOUND",
    );
    expect((await a.client.couponCodes.list.query({ campaign_id: b.campaign.id })).items).toEqual(
      [],
    );
    const reward = await a.client.rewards.create.mutate({
      name: "P",
      type: "POINTS",
      attributes: { conversion_factor: "0.1" },
    });
    const behavior = await a.client.campaigns.create.mutate({
      type: "BEHAVIOR",
      name: "Visits",
      attributes: { trigger: "VISIT" },
      rules: [{ conditions: [], effects: [{ reward_id: reward.id, amount: "1" }] }],
    });
    await expectTallyError(
      a.client.couponCodes.import.mutate({ campaign_id: behavior.id, codes: ["X"] }),
      "UNSUPPORTED",
      `campaign_id: campaign ${behavior.id} is BEHAVIOR, not COUPONS`,
    );
  });
});
