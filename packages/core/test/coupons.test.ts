import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileCampaign } from "../src/campaigns.ts";
import {
  assertCouponRunning,
  COUPON_ALPHABET,
  COUPON_CODE_PATTERN,
  codeFromBytes,
  codeHasUsesLeft,
  codeKey,
  matchCouponRules,
  parseCustomCodes,
  validateCodeFormat,
} from "../src/coupons.ts";
import type { Effect } from "../src/types.ts";
import { campaign, cond, customer, NOW, purchase, REWARD_ID } from "./fixtures.ts";

const effect = (over: Partial<Effect> = {}): Effect => ({
  reward_id: REWARD_ID,
  tier_id: null,
  amount: 5,
  expiration_date: null,
  ...over,
});

describe("generated codes", () => {
  it("are prefix + `length` alphabet characters for any bytes (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 4, max: 32 }),
        fc.stringMatching(/^[A-Za-z0-9_-]{0,8}$/),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        (length, prefix, bytes) => {
          const code = codeFromBytes(validateCodeFormat({ length, prefix }), bytes);
          expect(code.startsWith(prefix)).toBe(true);
          expect(code).toHaveLength(prefix.length + length);
          expect([...code.slice(prefix.length)].every((c) => COUPON_ALPHABET.includes(c))).toBe(
            true,
          );
          expect(code).toMatch(COUPON_CODE_PATTERN);
        },
      ),
    );
  });

  it("use every alphabet character, one per 5 bits, without look-alikes", () => {
    const bytes = Uint8Array.from({ length: 32 }, (_, i) => i + 32 * 3);
    expect(codeFromBytes({ length: 32, prefix: "" }, bytes)).toBe(COUPON_ALPHABET);
    expect(COUPON_ALPHABET).toHaveLength(32);
    expect(COUPON_ALPHABET).not.toMatch(/[01IO]/);
  });

  it("refuse bad formats", () => {
    expect(() => validateCodeFormat({ length: 3, prefix: "" })).toThrow(/codes.length/);
    expect(() => validateCodeFormat({ length: 33, prefix: "" })).toThrow(/codes.length/);
    expect(() => validateCodeFormat({ length: 8, prefix: "A B" })).toThrow(/codes.prefix/);
    expect(() => validateCodeFormat({ length: 32, prefix: "P".repeat(33) })).toThrow(/at most 64/);
  });
});

describe("codeKey", () => {
  it("is the lower case of a code, and names no code for text no code can be", () => {
    expect(codeKey("Summer-25_X")).toBe("summer-25_x");
    expect(codeKey("\u212AELVIN")).toBe(""); // the Kelvin sign lower-cases to "k"
    expect(codeKey("caf\u00e9")).toBe("");
    expect(codeKey("")).toBe("");
  });
});

describe("parseCustomCodes", () => {
  it("splits on commas and newlines, trims, drops blanks", () => {
    expect(parseCustomCodes(" A1 ,B2\nC3\r\n\n,D-4_ ")).toEqual(["A1", "B2", "C3", "D-4_"]);
  });
  it("names a duplicate (case-insensitive) or malformed code", () => {
    expect(() => parseCustomCodes("abc,ABC")).toThrow(/"ABC" is listed more than once/);
    expect(() => parseCustomCodes("ok,no way")).toThrow(/"no way"/);
    expect(() => parseCustomCodes(`${"x".repeat(65)}`)).toThrow(/1–64/);
    expect(() => parseCustomCodes(",\n ")).toThrow(/lists no code/);
  });
  it("finds any duplicate in a random list (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.stringMatching(/^[A-Za-z0-9]{1,6}$/), { minLength: 1, maxLength: 30 }),
        (codes) => {
          const distinct = new Set(codes.map((c) => c.toLowerCase())).size === codes.length;
          if (distinct) expect(parseCustomCodes(codes.join("\n"))).toEqual(codes);
          else expect(() => parseCustomCodes(codes.join(","))).toThrow(/more than once/);
        },
      ),
    );
  });
});

describe("coupon limits and timing", () => {
  it("max_uses null is unlimited", () => {
    expect(codeHasUsesLeft({ max_uses: null, uses_count: 10_000 })).toBe(true);
    expect(codeHasUsesLeft({ max_uses: 1, uses_count: 0 })).toBe(true);
    expect(codeHasUsesLeft({ max_uses: 1, uses_count: 1 })).toBe(false);
  });
  it("a campaign not running is a 422 code", () => {
    const base = { status: "ACTIVE" as const, start_date: new Date("2026-01-01"), end_date: null };
    expect(() => assertCouponRunning(base, "C", NOW)).not.toThrow();
    expect(() =>
      assertCouponRunning({ ...base, start_date: new Date("2027-01-01") }, "C", NOW),
    ).toThrow(expect.objectContaining({ code: "COUPON_NOT_STARTED" }));
    expect(() => assertCouponRunning({ ...base, end_date: NOW }, "C", NOW)).toThrow(
      expect.objectContaining({ code: "COUPON_EXPIRED" }),
    );
    expect(() => assertCouponRunning({ ...base, status: "INACTIVE" }, "C", NOW)).toThrow(
      expect.objectContaining({ code: "COUPON_INACTIVE" }),
    );
  });
});

describe("matchCouponRules", () => {
  const coupon = (rules: { conditions: unknown; effects: Effect[] }[], over = {}) =>
    compileCampaign(campaign({ type: "COUPONS", trigger: null, rules: rules as never, ...over }));
  const run = (c: ReturnType<typeof coupon>, event = purchase(), cust = customer()) =>
    matchCouponRules({ campaign: c, event, customer: cust, now: NOW });

  it("gives every rule whose conditions hold, with the customer's tier effects", () => {
    const c = coupon([
      { conditions: [], effects: [effect(), effect({ tier_id: "other-tier" })] },
      { conditions: [[cond("Platform", "equal to", "string", "ios")]], effects: [effect()] },
      {
        conditions: [[cond("Platform", "equal to", "string", "web")]],
        effects: [effect({ amount: 2 })],
      },
    ]);
    const result = run(c, purchase({ platform: "web" }));
    expect(result.ok && result.matches.map((m) => [m.rule_index, m.effects.length])).toEqual([
      [0, 1],
      [2, 1],
    ]);
  });

  it("answers the first failing requirement (message first) when no rule applies", () => {
    const c = coupon([
      {
        conditions: [[cond("Platform", "equal to", "string", "ios", "iOS only")]],
        effects: [effect()],
      },
      { conditions: [[cond("Platform", "equal to", "string", "android")]], effects: [effect()] },
    ]);
    expect(run(c, purchase({ platform: "web" }))).toEqual({ ok: false, requirement: "iOS only" });
    const tierOnly = coupon([{ conditions: [], effects: [effect({ tier_id: "gold" })] }]);
    expect(run(tierOnly)).toEqual({
      ok: false,
      requirement: expect.stringMatching(/Customer Tier/),
    });
  });

  it("scopes by the campaign's brand and platforms", () => {
    const c = coupon([{ conditions: [], effects: [effect()] }], {
      brand_id: "b1",
      platforms: ["ios"],
    });
    expect(run(c, purchase({ brand_id: "b2", platform: "ios" }))).toEqual({
      ok: false,
      requirement: "Brand must be equal to b1",
    });
    expect(run(c, purchase({ brand_id: "b1", platform: null }))).toEqual({
      ok: false,
      requirement: "Platform must be one of ios",
    });
    expect(run(c, purchase({ brand_id: "b1", platform: "ios" })).ok).toBe(true);
  });
});
