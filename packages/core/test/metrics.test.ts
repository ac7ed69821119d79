import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { applyPurchaseToMetrics, emptyMetrics } from "../src/metrics.ts";
import type { CustomerMetrics, PeriodMetrics } from "../src/types.ts";

const NOW = new Date("2026-11-18T12:00:00.000Z");
const period = (m: CustomerMetrics, key: string) => m[key] as PeriodMetrics;
const buy = (
  metrics: CustomerMetrics,
  value: number | string,
  at = NOW,
  now = NOW,
  sign: 1 | -1 = 1,
) => applyPurchaseToMetrics({ metrics, value, at, now, sign });

describe("emptyMetrics", () => {
  it("bounds every period in UTC, to the last millisecond", () => {
    const m = emptyMetrics(NOW);
    const bounds = (k: string) => [period(m, k).from, period(m, k).to];
    expect(bounds("lifetime")).toEqual([null, null]);
    expect(bounds("this_month")).toEqual(["2026-11-01T00:00:00.000Z", "2026-11-30T23:59:59.999Z"]);
    expect(bounds("last_month")).toEqual(["2026-10-01T00:00:00.000Z", "2026-10-31T23:59:59.999Z"]);
    expect(bounds("this_quarter")).toEqual([
      "2026-10-01T00:00:00.000Z",
      "2026-12-31T23:59:59.999Z",
    ]);
    expect(bounds("last_quarter")).toEqual([
      "2026-07-01T00:00:00.000Z",
      "2026-09-30T23:59:59.999Z",
    ]);
    expect(bounds("this_year")).toEqual(["2026-01-01T00:00:00.000Z", "2026-12-31T23:59:59.999Z"]);
    expect(bounds("last_year")).toEqual(["2025-01-01T00:00:00.000Z", "2025-12-31T23:59:59.999Z"]);
    expect(period(m, "this_month")).toMatchObject({
      spend_total: 0,
      number_of_purchases: 0,
      last_visit: null,
    });
    expect(m.updated_at).toBe(NOW.toISOString());
  });
});

describe("applyPurchaseToMetrics", () => {
  it("accumulates exactly in every period holding the purchase, without touching the input", () => {
    const start = emptyMetrics(NOW);
    const snapshot = structuredClone(start);
    const m = buy(buy(start, 0.1), 0.2);
    expect(start).toEqual(snapshot);
    for (const k of ["lifetime", "this_year", "this_quarter", "this_month"]) {
      expect(period(m, k)).toMatchObject({
        spend_total: 0.3,
        number_of_purchases: 2,
        last_visit: NOW.toISOString(),
      });
    }
    for (const k of ["last_year", "last_quarter", "last_month"]) {
      expect(period(m, k)).toMatchObject({ spend_total: 0, number_of_purchases: 0 });
    }
  });

  it("rounds spend to cents", () => {
    expect(period(buy(emptyMetrics(NOW), "10.005"), "lifetime").spend_total).toBe(10.01);
  });

  it("books a purchase of last month into last_month, the quarter and the year", () => {
    const at = new Date("2026-10-31T23:59:59.999Z");
    const m = buy(emptyMetrics(NOW), 50, at);
    expect(period(m, "last_month").spend_total).toBe(50);
    expect(period(m, "this_month").spend_total).toBe(0);
    expect(period(m, "this_quarter").spend_total).toBe(50);
    expect(period(m, "this_year").number_of_purchases).toBe(1);
  });

  it("keeps the latest last_visit", () => {
    const later = buy(emptyMetrics(NOW), 5, NOW);
    const m = buy(later, 5, new Date("2026-11-02T00:00:00Z"));
    expect(period(m, "this_month").last_visit).toBe(NOW.toISOString());
  });

  it("a reversal restores the metrics (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 10_000_000 }), { maxLength: 6 }),
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.date({ min: new Date("2026-01-01"), max: NOW, noInvalidDate: true }),
        (history, mills, at) => {
          // Values in thousandths: sub-cent amounts, which orders may carry, included.
          let m = emptyMetrics(NOW);
          for (const h of history) m = buy(m, h / 1000, new Date(NOW.getTime() - h));
          const before = m;
          const after = buy(buy(m, mills / 1000, at), mills / 1000, at, NOW, -1);
          for (const k of ["lifetime", "this_year", "this_quarter", "this_month", "last_month"]) {
            expect(period(after, k).spend_total).toBe(period(before, k).spend_total);
            expect(period(after, k).number_of_purchases).toBe(
              period(before, k).number_of_purchases,
            );
          }
        },
      ),
    );
  });

  it("counts each purchase to the cent once, so sub-cent purchases add up without drift", () => {
    const two = buy(buy(emptyMetrics(NOW), "0.005"), "0.005");
    expect(period(two, "lifetime").spend_total).toBe(0.02);
    const reversed = buy(buy(emptyMetrics(NOW), "10.005"), "10.005", NOW, NOW, -1);
    expect(period(reversed, "lifetime")).toMatchObject({ spend_total: 0, number_of_purchases: 0 });
  });

  it("clears last_visit when the only purchase is reversed, keeps it while others remain", () => {
    const earlier = new Date("2026-11-02T00:00:00Z");
    const one = buy(emptyMetrics(NOW), 5, NOW);
    expect(period(buy(one, 5, NOW, NOW, -1), "lifetime").last_visit).toBeNull();
    const two = buy(buy(emptyMetrics(NOW), 5, earlier), 5, NOW);
    expect(period(buy(two, 5, NOW, NOW, -1), "lifetime").last_visit).toBe(NOW.toISOString());
  });

  it("never goes below zero on reversal", () => {
    const m = buy(emptyMetrics(NOW), 30, NOW, NOW, -1);
    expect(period(m, "lifetime")).toMatchObject({
      spend_total: 0,
      number_of_purchases: 0,
      last_visit: null,
    });
  });

  it("rolls this_month into last_month when the month turns over", () => {
    const nov = buy(emptyMetrics(NOW), 40);
    const dec = buy(nov, 10, new Date("2026-12-02T00:00:00Z"), new Date("2026-12-02T00:00:00Z"));
    expect(period(dec, "last_month")).toMatchObject({
      from: "2026-11-01T00:00:00.000Z",
      to: "2026-11-30T23:59:59.999Z",
      spend_total: 40,
      number_of_purchases: 1,
    });
    expect(period(dec, "this_month")).toMatchObject({
      from: "2026-12-01T00:00:00.000Z",
      spend_total: 10,
    });
    expect(period(dec, "this_quarter").spend_total).toBe(50);
    expect(period(dec, "lifetime").spend_total).toBe(50);
    expect(dec.updated_at).toBe("2026-12-02T00:00:00.000Z");
  });

  it("resets last_* after a gap of more than one period and rolls the year", () => {
    const nov = buy(emptyMetrics(NOW), 40);
    const now = new Date("2027-02-10T00:00:00Z");
    const feb = buy(nov, 5, now, now);
    expect(period(feb, "last_month")).toMatchObject({
      from: "2027-01-01T00:00:00.000Z",
      spend_total: 0,
    });
    expect(period(feb, "last_quarter")).toMatchObject({
      from: "2026-10-01T00:00:00.000Z",
      spend_total: 40,
    });
    expect(period(feb, "last_year")).toMatchObject({
      from: "2026-01-01T00:00:00.000Z",
      spend_total: 40,
    });
    expect(period(feb, "this_year")).toMatchObject({
      from: "2027-01-01T00:00:00.000Z",
      spend_total: 5,
    });
    expect(period(feb, "lifetime")).toMatchObject({ spend_total: 45, number_of_purchases: 2 });
  });

  it("starts from missing metrics and keeps unknown fields", () => {
    const m = buy({ custom: "x" }, 12.5);
    expect(m.custom).toBe("x");
    expect(period(m, "this_month")).toMatchObject({
      from: "2026-11-01T00:00:00.000Z",
      spend_total: 12.5,
    });
  });
});
