import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileConditions } from "../src/conditions/index.ts";
import type { Condition, ConditionContext } from "../src/types.ts";
import { cond, ctx, customer, NOW, purchase } from "./fixtures.ts";

const holds = (c: Condition, context: ConditionContext = ctx()) =>
  compileConditions([[c]]).evaluate(context).ok;
const ov = (operator: string, value: unknown, primitive = "number") =>
  holds(cond("Order Value", operator, primitive, value)); // order value 120.5

describe("operators on numbers", () => {
  it.each([
    ["equal to", 120.5, 120.51],
    ["not equal to", 120.51, 120.5],
    ["greater than", 120.49, 120.5],
    ["greater than or equal to", 120.5, 120.51],
    ["less than", 120.51, 120.5],
    ["less than or equal to", 120.5, 120.49],
    ["between", [120.5, 121], [121, 130]],
    ["is one of", [1, 120.5], [1, 2]],
    ["is not one of", [1, 2], [1, 120.5]],
  ])("%s", (operator, yes, no) => {
    expect(ov(operator, yes)).toBe(true);
    expect(ov(operator, no)).toBe(false);
  });

  it("compares currency exactly as decimals, also beyond 15 digits", () => {
    expect(ov("equal to", "120.50", "currency")).toBe(true);
    expect(ov("greater than", "120.4999999999999999999", "currency")).toBe(true);
    expect(ov("less than", "120.5000000000000000001", "currency")).toBe(true);
    const sum = purchase({ order: { value: 0.1 + 0.2 } }); // 0.30000000000000004
    expect(holds(cond("Order Value", "equal to", "currency", 0.3), ctx({ event: sum }))).toBe(
      false,
    );
    expect(holds(cond("Order Value", "greater than", "currency", 0.3), ctx({ event: sum }))).toBe(
      true,
    );
  });

  it("is inclusive at both ends of between", () => {
    expect(ov("between", [100, 120.5])).toBe(true);
    expect(ov("between", [120.5, 120.5])).toBe(true);
  });
});

describe("operators on strings", () => {
  const pm = (operator: string, value: unknown) =>
    holds(cond("Payment Method", operator, "string", value)); // "CARD"
  it.each([
    ["equal to", "CARD", "card"],
    ["not equal to", "CASH", "CARD"],
    ["contains", "AR", "XR"],
    ["does not contain", "XR", "AR"],
    ["is one of", ["CASH", "CARD"], ["CASH"]],
    ["is not one of", ["CASH"], ["CASH", "CARD"]],
  ])("%s", (operator, yes, no) => {
    expect(pm(operator, yes)).toBe(true);
    expect(pm(operator, no)).toBe(false);
  });
});

describe("the seed's numeric condition written with primitive string", () => {
  const seed = { type: "Order Value", operator: "grater than", primitive: "string", value: 9.95 };

  it("compares numerically", () => {
    expect(holds(seed)).toBe(true);
    expect(holds(seed, ctx({ event: purchase({ order: { value: 9.95 } }) }))).toBe(false);
    expect(holds(seed, ctx({ event: purchase({ order: { value: 10 } }) }))).toBe(true);
    expect(holds(seed, ctx({ event: purchase({ order: { value: 9.9 } }) }))).toBe(false);
  });

  it("accepts numeric strings too, but not other strings", () => {
    expect(holds({ ...seed, value: "100" })).toBe(true);
    expect(holds({ ...seed, value: "121" })).toBe(false);
    expect(() => compileConditions([[{ ...seed, value: "cheap" }]])).toThrow(/value/);
  });
});

describe("labels", () => {
  it("match case-insensitively and trimmed", () => {
    expect(holds(cond("  order VALUE ", " GREATER THAN", "Number ", 100))).toBe(true);
    expect(holds(cond("customer number of purchases", "Equal To", "NUMBER", 12))).toBe(true);
    expect(holds(cond("Order Value", "Grater Than Or Equal To", "number", 120.5))).toBe(true);
  });
});

describe("date primitives", () => {
  const reg = (operator: string, value: unknown, primitive = "relative date") =>
    holds(cond("Customer Registration Date", operator, primitive, value)); // 2026-10-01T09:00Z, 48 days before NOW

  it("absolute dates compare whole days or instants", () => {
    expect(reg("equal to", "2026-10-01", "absolute date")).toBe(true);
    expect(reg("greater than", "2026-09-30", "absolute date")).toBe(true);
    expect(reg("greater than", "2026-10-01", "absolute date")).toBe(false);
    expect(reg("greater than or equal to", "2026-10-01", "absolute date")).toBe(true);
    expect(reg("less than", "2026-10-02", "absolute date")).toBe(true);
    expect(reg("less than or equal to", "2026-10-01", "absolute date")).toBe(true);
    expect(reg("less than", "2026-10-01T09:00:00Z", "absolute date")).toBe(false);
    expect(reg("equal to", "2026-10-01T09:00:00.000Z", "absolute date")).toBe(true);
    expect(reg("equal to", "2026-10-01T11:00:00+02:00", "absolute date")).toBe(true);
    expect(reg("between", ["2026-01-01", "2026-10-01"], "absolute date")).toBe(true);
    expect(reg("is one of", ["2025-01-01", "2026-10-01"], "absolute date")).toBe(true);
    expect(reg("is not one of", ["2025-01-01", "2026-10-01"], "absolute date")).toBe(false);
  });

  it("relative dates: equal = within the last N, greater = older, less = newer", () => {
    expect(reg("equal to", "2/months")).toBe(true);
    expect(reg("equal to", "1/month")).toBe(false);
    expect(reg("not equal to", "1/month")).toBe(true);
    expect(reg("greater than", "30/days")).toBe(true);
    expect(reg("greater than", "7/weeks")).toBe(false);
    expect(reg("less than", "7/weeks")).toBe(true);
    expect(reg("less than", "30/days")).toBe(false);
    // registered 48 days and 3 hours before NOW
    expect(reg("greater than or equal to", "48/days")).toBe(true);
    expect(reg("greater than or equal to", "49/days")).toBe(false);
    expect(reg("less than or equal to", "48/days")).toBe(false);
    expect(reg("less than or equal to", "49/days")).toBe(true);
    expect(reg("between", ["1/month", "2/months"])).toBe(true);
    expect(reg("between", ["2/months", "1/month"])).toBe(true);
    expect(reg("between", ["1/year", "2/years"])).toBe(false);
  });

  it("'within the last N' takes an event issued up to the tolerated minute ahead of now", () => {
    const at = (ms: number) =>
      ctx({ event: purchase({ issued_at: new Date(NOW.getTime() + ms) }) });
    const lastDay = cond("Event Date", "equal to", "relative date", "1/days");
    expect(holds(lastDay, at(30_000))).toBe(true);
    expect(holds(lastDay, at(60_000))).toBe(true);
    expect(holds(lastDay, at(61_000))).toBe(false);
  });

  it("relative dates move with ctx.now", () => {
    const later = ctx({ now: new Date("2027-06-01T00:00:00Z") });
    expect(
      holds(cond("Customer Registration Date", "equal to", "relative date", "90/days"), later),
    ).toBe(false);
  });

  it("recurring dates compare the UTC weekday or month-day", () => {
    const ev = (operator: string, value: unknown) =>
      holds(cond("Event Date", operator, "recurring date", value)); // Wednesday 11-18
    expect(ev("equal to", 3)).toBe(true);
    expect(ev("equal to", "3")).toBe(true);
    expect(ev("equal to", 7)).toBe(false);
    expect(ev("equal to", "11-18")).toBe(true);
    expect(ev("not equal to", "11-18")).toBe(false);
    expect(ev("is one of", [1, 2, 3])).toBe(true);
    expect(ev("is not one of", [6, 7])).toBe(true);
    expect(ev("between", [1, 5])).toBe(true);
    expect(ev("between", [6, 1])).toBe(false);
    expect(ev("between", ["11-01", "11-30"])).toBe(true);
    expect(ev("between", ["12-15", "01-15"])).toBe(false);
    expect(ev("equal to", "today")).toBe(true);
  });

  it("a birthday matches today, the Feb 29 birthday on Feb 28 of a common year", () => {
    const bday = cond("Customer Birthday", "equal to", "recurring date", undefined);
    expect(holds(bday)).toBe(true);
    expect(holds(bday, ctx({ now: new Date("2026-11-19T00:00:00Z") }))).toBe(false);
    const leapling = customer({ dob: new Date("2000-02-29T00:00:00Z") });
    const feb28 = new Date("2027-02-28T10:00:00Z");
    expect(holds(bday, ctx({ customer: leapling, now: feb28 }))).toBe(true);
    expect(holds(bday, ctx({ customer: leapling, now: new Date("2028-02-28T10:00:00Z") }))).toBe(
      false,
    );
    expect(holds(bday, ctx({ customer: leapling, now: new Date("2028-02-29T10:00:00Z") }))).toBe(
      true,
    );
  });
});

describe("OR of AND groups", () => {
  const T = cond("Order Value", "greater than", "number", 1);
  const F = cond("Order Value", "less than", "number", 1, "Order must be tiny");

  it("empty conditions always hold, whatever the context", () => {
    const c = compileConditions([]);
    expect(c.empty).toBe(true);
    for (const context of [ctx(), ctx({ event: null, customer: null })]) {
      expect(c.evaluate(context)).toEqual({ ok: true });
    }
    expect(compileConditions([[]]).evaluate(ctx()).ok).toBe(true);
    expect(compileConditions([[T]]).empty).toBe(false);
  });

  it("holds exactly when some group has all its conditions true (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.boolean(), { maxLength: 4 }), { maxLength: 5 }), (shape) => {
        const compiled = compileConditions(shape.map((g) => g.map((b) => (b ? T : F))));
        expect(compiled.evaluate(ctx()).ok).toBe(
          shape.length === 0 || shape.some((g) => g.every(Boolean)),
        );
      }),
    );
  });

  it("a group with one false condition fails however many true ones it has (property)", () => {
    fc.assert(
      fc.property(fc.nat(6), fc.nat(6), (before, after) => {
        const group = [...Array(before).fill(T), F, ...Array(after).fill(T)];
        expect(compileConditions([group]).evaluate(ctx()).ok).toBe(false);
        expect(compileConditions([group, [T]]).evaluate(ctx()).ok).toBe(true);
      }),
    );
  });

  it("reports the message of the first failing condition of the first group", () => {
    const other = cond("Payment Method", "equal to", "string", "CASH", "Pay cash");
    const r = compileConditions([[T, F, other], [other]]).evaluate(ctx());
    expect(r).toEqual({ ok: false, requirement: "Order must be tiny" });
  });

  it("generates a sentence when the condition has no message", () => {
    const seed = { type: "Order Value", operator: "grater than", primitive: "string", value: 9.95 };
    const event = purchase({ order: { value: 5 } });
    expect(compileConditions([[seed]]).evaluate(ctx({ event }))).toEqual({
      ok: false,
      requirement: "Order Value must be greater than 9.95",
    });
    const rel = cond("Customer Registration Date", "less than", "relative date", "30/days");
    expect(compileConditions([[rel]]).evaluate(ctx())).toEqual({
      ok: false,
      requirement: "Customer Registration Date must be less than 30 days ago",
    });
    const inList = cond("Store", "is one of", "string", ["a", "b"]);
    expect(compileConditions([[inList]]).evaluate(ctx())).toEqual({
      ok: false,
      requirement: "Store must be one of a, b",
    });
  });

  it("uses the current clock for every evaluation of one compiled set", () => {
    const c = compileConditions([[cond("Event Date", "equal to", "relative date", "1/day")]]);
    expect(c.evaluate(ctx()).ok).toBe(true);
    expect(c.evaluate(ctx({ now: new Date(NOW.getTime() + 2 * 86_400_000) })).ok).toBe(false);
  });
});
