import { describe, expect, it } from "vitest";
import {
  campaignOpenTo,
  campaignReadStatus,
  compileCampaign,
  matchCampaigns,
  validateRules,
} from "../src/campaigns.ts";
import { DomainError } from "../src/errors.ts";
import type { CampaignFacts, Effect } from "../src/types.ts";
import { campaign, cond, customer, NOW, purchase, REWARD_ID } from "./fixtures.ts";

const d = (s: string) => new Date(s);
const effect = (over: Partial<Effect> = {}): Effect => ({
  reward_id: REWARD_ID,
  tier_id: null,
  amount: 1,
  expiration_date: null,
  ...over,
});
const withRule = (over: Partial<CampaignFacts> = {}) =>
  campaign({ rules: [{ conditions: [], effects: [effect()] }], ...over });
const match = (campaigns: CampaignFacts[], event = purchase(), cust = customer()) =>
  matchCampaigns({ campaigns: campaigns.map(compileCampaign), event, customer: cust, now: NOW });

describe("campaignReadStatus", () => {
  const base = { status: "ACTIVE" as const, start_date: d("2026-01-01"), end_date: null };
  it.each([
    ["RUNNING", base, "2026-06-01"],
    ["RUNNING", base, "2026-01-01"],
    ["SCHEDULED", base, "2025-12-31"],
    ["PAUSED", { ...base, status: "INACTIVE" as const }, "2026-06-01"],
    ["PAUSED", { ...base, status: "INACTIVE" as const }, "2025-06-01"],
    ["FINISHED", { ...base, end_date: d("2026-06-01") }, "2026-06-01"],
    ["FINISHED", { ...base, status: "INACTIVE" as const, end_date: d("2026-02-01") }, "2026-06-01"],
    ["RUNNING", { ...base, end_date: d("2026-06-01") }, "2026-05-31"],
  ])("%s", (expected, c, now) => {
    expect(campaignReadStatus(c, d(now))).toBe(expected);
  });
});

describe("matchCampaigns", () => {
  it("matches a running campaign whose trigger is the event type", () => {
    const c = withRule();
    const out = match([c]);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ rule_index: 0, effects: [effect()] });
    expect(out[0]!.campaign.id).toBe(c.id);
  });

  it.each([
    ["another trigger", withRule({ trigger: "REGISTRATION" })],
    ["no trigger", withRule({ trigger: null })],
    ["inactive", withRule({ status: "INACTIVE" })],
    ["starting after issued_at", withRule({ start_date: d("2026-11-18T11:00:00.001Z") })],
    ["ended at issued_at", withRule({ end_date: d("2026-11-18T11:00:00.000Z") })],
    ["another brand", withRule({ brand_id: "brand-b" })],
    ["other platforms", withRule({ platforms: ["APP", "POS"] })],
  ])("skips a campaign with %s", (_name, c) => {
    expect(match([c])).toEqual([]);
  });

  it.each([
    ["starting exactly at issued_at", withRule({ start_date: d("2026-11-18T11:00:00.000Z") })],
    [
      "ending after issued_at (though before now)",
      withRule({ end_date: d("2026-11-18T11:30:00Z") }),
    ],
    ["the event's brand", withRule({ brand_id: "brand-a" })],
    ["the event's platform", withRule({ platforms: ["APP", "WEB"] })],
    ["an empty platform list", withRule({ platforms: [] })],
  ])("keeps a campaign with %s", (_name, c) => {
    expect(match([c])).toHaveLength(1);
  });

  it("skips a platform-restricted campaign for an event without platform", () => {
    expect(match([withRule({ platforms: ["WEB"] })], purchase({ platform: null }))).toEqual([]);
  });

  it("evaluates rule conditions against the event and customer", () => {
    const c = campaign({
      rules: [
        {
          conditions: [[cond("Order Value", "greater than", "number", 1000)]],
          effects: [effect()],
        },
        {
          conditions: [[cond("Customer Country", "equal to", "string", "MX")]],
          effects: [effect({ amount: 2 })],
        },
      ],
    });
    const out = match([c]);
    expect(out.map((m) => [m.rule_index, m.effects[0]!.amount])).toEqual([[1, 2]]);
  });

  it("gives tier-specific effects only to that tier and omits rules left without effects", () => {
    const c = campaign({
      rules: [
        {
          conditions: [],
          effects: [
            effect({ tier_id: "tier-gold", amount: 5 }),
            effect({ amount: 1 }),
            effect({ tier_id: "tier-silver", amount: 3 }),
          ],
        },
        { conditions: [], effects: [effect({ tier_id: "tier-gold" })] },
      ],
    });
    const silver = match([c]);
    expect(silver).toHaveLength(1);
    expect(silver[0]!.effects.map((e) => e.amount)).toEqual([1, 3]);
    const gold = match([c], purchase(), customer({ tier_id: "tier-gold" }));
    expect(gold.map((m) => m.effects.map((e) => e.amount))).toEqual([[5, 1], [1]]);
  });

  it("matches 1,000 campaigns correctly", () => {
    const campaigns: CampaignFacts[] = [];
    const expected: string[] = [];
    for (let i = 0; i < 1000; i++) {
      const threshold = i % 200; // order value is 120.5
      const c = campaign({
        id: `c-${i}`,
        brand_id: i % 3 === 0 ? "brand-b" : i % 3 === 1 ? "brand-a" : null,
        platforms: i % 5 === 0 ? ["APP"] : null,
        trigger: i % 7 === 0 ? "REGISTRATION" : "PURCHASE",
        rules: [
          {
            conditions: [[cond("Order Value", "grater than", "string", threshold)]],
            effects: [effect()],
          },
        ],
      });
      campaigns.push(c);
      if (i % 3 !== 0 && i % 5 !== 0 && i % 7 !== 0 && 120.5 > threshold) expected.push(c.id);
    }
    const out = match(campaigns);
    expect(out.map((m) => m.campaign.id)).toEqual(expected);
    expect(expected.length).toBeGreaterThan(100);
  });
});

describe("compileCampaign", () => {
  it("reuses the compiled campaign for the same version and recompiles a new one", () => {
    const v1 = withRule({ id: "cache-1" });
    expect(compileCampaign(v1)).toBe(compileCampaign({ ...v1 }));
    const v2 = { ...v1, updated_at: d("2026-02-01"), rules: [] };
    expect(compileCampaign(v2).rules).toEqual([]);
  });

  it("rejects invalid stored conditions with their path", () => {
    const bad = campaign({
      id: "bad",
      rules: [{ conditions: [[cond("Nope", "equal to", "string", "x")]], effects: [] }],
    });
    expect(() => compileCampaign(bad)).toThrow(/rules\[0\]\.conditions\[0\]\[0\]\.type/);
  });
});

describe("validateRules", () => {
  const errorOf = (rules: unknown) => {
    try {
      validateRules(rules);
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      return (e as DomainError).details;
    }
    throw new Error("expected a validation error");
  };

  it("normalises valid rules, also from a JSON string", () => {
    const rules = [
      {
        conditions: [[cond("Order Value", "grater than", "string", 9.95)]],
        effects: [
          { reward_id: REWARD_ID, amount: 1, expiration_date: "12/months", type: "POINTS" },
        ],
      },
      { effects: [{ reward_id: REWARD_ID, tier_id: "t1", amount: 0.5, calculation: "FIXED" }] },
    ];
    const expected = [
      { conditions: rules[0]!.conditions, effects: [effect({ expiration_date: "12/months" })] },
      { conditions: [], effects: [effect({ tier_id: "t1", amount: 0.5, calculation: "FIXED" })] },
    ];
    expect(validateRules(rules)).toEqual(expected);
    expect(validateRules(JSON.stringify(rules))).toEqual(expected);
  });

  it.each([
    ["not an array", { a: 1 }, /^rules: must be an array/],
    ["bad JSON", "[{", /^rules: is a string but not valid JSON/],
    ["a rule that is not an object", [1], /^rules\[0\]: must be an object/],
    ["effects missing", [{ conditions: [] }], /^rules\[0\]\.effects: must be an array/],
    [
      "bad reward id",
      [{ effects: [{ reward_id: "r1", amount: 1 }] }],
      /^rules\[0\]\.effects\[0\]\.reward_id: must be a reward id/,
    ],
    [
      "zero amount",
      [{ effects: [effect(), effect({ amount: 0 })] }],
      /^rules\[0\]\.effects\[1\]\.amount: must be a finite number greater than 0/,
    ],
    ["negative amount", [{ effects: [effect({ amount: -1 })] }], /\.amount: /],
    ["amount as text", [{ effects: [{ ...effect(), amount: "1" }] }], /\.amount: /],
    [
      "bad expiry",
      [{ effects: [effect({ expiration_date: "12/moons" })] }],
      /^rules\[0\]\.effects\[0\]\.expiration_date: expiry "12\/moons"/,
    ],
    ["bad tier id", [{ effects: [{ ...effect(), tier_id: 5 }] }], /\.tier_id: /],
    [
      "bad calculation",
      [{ effects: [{ ...effect(), calculation: "PERCENT" }] }],
      /\.calculation: /,
    ],
    [
      "bad conditions",
      [{ effects: [] }, { conditions: [[{}]], effects: [] }],
      /^rules\[1\]\.conditions\[0\]\[0\]\.type: /,
    ],
  ])("rejects %s", (_name, rules, pattern) => {
    expect(errorOf(rules)).toMatch(pattern);
  });
});

describe("campaignOpenTo", () => {
  const open = (c: CampaignFacts, cust = customer()) =>
    campaignOpenTo(compileCampaign(c), cust, NOW);
  const silver = cond("Customer Tier", "equal to", "string", "tier-silver");
  const bigOrder = cond("Order Value", "greater than", "number", 1000);
  const rule = (conditions: ReturnType<typeof cond>[][], over: Partial<Effect> = {}) => ({
    conditions,
    effects: [effect(over)],
  });

  it("leaves conditions on the event open and judges those on the customer", () => {
    expect(open(campaign({ rules: [rule([[bigOrder]])] }))).toBe(true);
    expect(open(campaign({ rules: [rule([[silver, bigOrder]])] }))).toBe(true);
    expect(open(campaign({ rules: [rule([[silver]])] }), customer({ tier_id: "tier-gold" }))).toBe(
      false,
    );
    // Another group (OR) may still let the gold customer in.
    expect(
      open(campaign({ rules: [rule([[silver], [bigOrder]])] }), customer({ tier_id: "tier-gold" })),
    ).toBe(true);
  });

  it("needs a rule with effects for the customer's tier", () => {
    const goldOnly = campaign({ rules: [rule([], { tier_id: "tier-gold" })] });
    expect(open(goldOnly)).toBe(false);
    expect(open(goldOnly, customer({ tier_id: "tier-gold" }))).toBe(true);
  });

  it("judges the customer's metrics and tags", () => {
    const loyal = cond("Customer number of purchases", "greater than", "number", 20);
    expect(open(campaign({ rules: [rule([[loyal]])] }))).toBe(false);
    expect(open(campaign({ rules: [rule([[loyal]])] }), customer({ metrics: {} }))).toBe(false);
    const tag = (value: string) =>
      cond("Customer Tag", "equal to", "string", { key: "segment", value });
    expect(open(campaign({ rules: [rule([[tag("vip")]])] }))).toBe(true);
    expect(open(campaign({ rules: [rule([[tag("new")]])] }))).toBe(false);
  });
});
