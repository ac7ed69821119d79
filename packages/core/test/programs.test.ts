import { describe, expect, it } from "vitest";
import { compileCampaign } from "../src/campaigns.ts";
import { matchReferralSide, punchCards, validatePunches } from "../src/programs.ts";
import { campaign, customer, NOW, purchase, REWARD_ID } from "./fixtures.ts";

const bigOrder = [
  [{ type: "Order Value", operator: "greater than", primitive: "number", value: 50 }],
];

const card = (punches: number, over = {}) => ({
  compiled: compileCampaign(
    campaign({
      type: "PUNCH_CARDS",
      rules: [
        {
          conditions: bigOrder,
          effects: [{ reward_id: REWARD_ID, tier_id: null, amount: 5, expiration_date: null }],
        },
      ],
      ...over,
    }),
  ),
  punches,
});

describe("punchCards", () => {
  it("stamps a qualifying event, completes the card at `punches` and restarts it", () => {
    const c = card(3);
    const run = (stamps: number, event = purchase()) =>
      punchCards({ campaigns: [c], stampsOf: () => stamps, event, customer: customer(), now: NOW });
    expect(run(0)).toEqual([
      { campaign_id: c.compiled.campaign.id, stamps: 1, completed: false, matches: [] },
    ]);
    const done = run(2);
    expect(done[0]).toMatchObject({ stamps: 0, completed: true });
    expect(done[0]!.matches[0]!.effects).toHaveLength(1);
    // A card left over-full (after a reversed completion) completes on the next stamp.
    expect(run(4)[0]).toMatchObject({ stamps: 2, completed: true });
  });

  it("ignores events the campaign does not take or whose conditions fail", () => {
    const c = card(2);
    const run = (over: object, event = purchase()) =>
      punchCards({
        campaigns: [card(2, over)],
        stampsOf: () => 0,
        event,
        customer: customer(),
        now: NOW,
      });
    expect(run({ trigger: "SIGNUP" })).toEqual([]);
    expect(run({ status: "INACTIVE" })).toEqual([]);
    expect(run({ brand_id: "brand-b" })).toEqual([]);
    expect(run({}, purchase({ order: { value: 10 } }))).toEqual([]);
    expect(c.punches).toBe(2);
  });

  it("completes without effects for a tier the rules do not cover", () => {
    const c = card(1, {
      rules: [
        {
          conditions: [],
          effects: [
            { reward_id: REWARD_ID, tier_id: "tier-gold", amount: 5, expiration_date: null },
          ],
        },
      ],
    });
    const [p] = punchCards({
      campaigns: [c],
      stampsOf: () => 0,
      event: purchase(),
      customer: customer(),
      now: NOW,
    });
    expect(p).toMatchObject({ completed: true, matches: [] });
  });

  it("validatePunches takes integers 1–1000 only", () => {
    expect(validatePunches(10)).toBe(10);
    for (const bad of [0, 1001, 2.5, "3", null])
      expect(() => validatePunches(bad)).toThrow(/punches/);
  });
});

describe("matchReferralSide", () => {
  it("gives FIXED effects by default, keeps an explicit calculation, and nothing when the campaign does not take the event", () => {
    const compiled = compileCampaign(
      campaign({
        type: "REFERRALS",
        rules: [
          {
            conditions: [],
            effects: [
              { reward_id: REWARD_ID, tier_id: null, amount: 5, expiration_date: null },
              {
                reward_id: REWARD_ID,
                tier_id: null,
                amount: 1,
                expiration_date: null,
                calculation: "PER_UNIT_SPENT",
              },
            ],
          },
        ],
      }),
    );
    const [m] = matchReferralSide({ compiled, event: purchase(), customer: customer(), now: NOW });
    expect(m!.effects.map((e) => e.calculation)).toEqual(["FIXED", "PER_UNIT_SPENT"]);
    const late = purchase({ issued_at: new Date("2025-01-01T00:00:00Z") });
    expect(matchReferralSide({ compiled, event: late, customer: customer(), now: NOW })).toEqual(
      [],
    );
  });
});
