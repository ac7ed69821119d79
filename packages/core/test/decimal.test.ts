import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  allocate,
  ceilTo,
  D,
  dec,
  floorTo,
  roundMoney,
  roundPercent,
  toWireNumber,
} from "../src/decimal.ts";

describe("decimal arithmetic", () => {
  it("adds 0.1 and 0.2 exactly", () => {
    expect(dec(0.1).plus(dec(0.2)).toString()).toBe("0.3");
    expect(toWireNumber(dec(0.1).plus(0.2))).toBe(0.3);
  });

  it("rounds money half away from zero, negatives included", () => {
    expect(roundMoney("2.345").toString()).toBe("2.35");
    expect(roundMoney("-2.345").toString()).toBe("-2.35");
    expect(roundMoney("2.344").toString()).toBe("2.34");
    expect(roundMoney(1.005).toString()).toBe("1.01");
    expect(roundMoney("-0.005").toString()).toBe("-0.01");
  });

  it("rounds percentages to 4 decimals", () => {
    expect(roundPercent("0.33335").toString()).toBe("0.3334");
    expect(roundPercent("-0.33335").toString()).toBe("-0.3334");
  });

  it("floors toward -infinity and ceils toward +infinity", () => {
    expect(floorTo("1.239", 2).toString()).toBe("1.23");
    expect(floorTo("-1.231", 2).toString()).toBe("-1.24");
    expect(ceilTo("1.231", 2).toString()).toBe("1.24");
    expect(ceilTo("-1.239", 2).toString()).toBe("-1.23");
    expect(floorTo("7.9", 0).toString()).toBe("7");
  });

  it("keeps the engine's precision and rounding on every result", () => {
    expect(dec("1").div(3).toString()).toBe(`0.${"3".repeat(40)}`);
    expect(D.rounding).toBe(D.ROUND_HALF_UP);
  });

  it("never sends -0 on the wire", () => {
    expect(Object.is(toWireNumber("-0"), 0)).toBe(true);
    expect(toWireNumber("12.50")).toBe(12.5);
  });
});

describe("allocate", () => {
  it("splits by largest remainder, ties to the earlier index", () => {
    expect(allocate("10.00", [1, 1, 1]).map(String)).toEqual(["3.34", "3.33", "3.33"]);
    expect(allocate("0.05", [1, 1]).map(String)).toEqual(["0.03", "0.02"]);
    expect(allocate("1.00", [1, 2]).map(String)).toEqual(["0.33", "0.67"]);
  });

  it("splits evenly when every weight is zero, and returns [] for no weights", () => {
    expect(allocate("1.00", [0, 0, 0]).map(String)).toEqual(["0.34", "0.33", "0.33"]);
    expect(allocate("1.00", [])).toEqual([]);
  });

  it("handles negative totals and other unit sizes", () => {
    expect(allocate("-10.00", [1, 1, 1]).map(String)).toEqual(["-3.34", "-3.33", "-3.33"]);
    expect(allocate("10", [1, 2], 0).map(String)).toEqual(["3", "7"]);
  });

  it("rejects a total with more decimals than asked", () => {
    expect(() => allocate("1.005", [1, 1])).toThrow();
  });

  it("parts always sum exactly to the total and stay within one unit of the exact share", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -10_000_000, max: 10_000_000 }),
        fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 20 }),
        fc.integer({ min: 0, max: 4 }),
        (units, weights, decimals) => {
          const total = dec(units).div(dec(10).pow(decimals));
          const parts = allocate(total, weights, decimals);
          expect(parts).toHaveLength(weights.length);
          const sum = parts.reduce((a, b) => a.plus(b), dec(0));
          expect(sum.eq(total)).toBe(true);
          const wsum = weights.reduce((a, b) => a + b, 0);
          const unit = dec(10).pow(-decimals);
          parts.forEach((p, i) => {
            expect(p.decimalPlaces()).toBeLessThanOrEqual(decimals);
            const exact =
              wsum === 0 ? total.div(weights.length) : total.times(weights[i]!).div(wsum);
            expect(p.minus(exact).abs().lt(unit)).toBe(true);
          });
        },
      ),
    );
  });
});
