import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DomainError } from "../src/errors.ts";
import { addExpiry, MAX_DURATION, parseExpiry } from "../src/expiry.ts";

const utc = (s: string) => new Date(s);
const iso = (d: Date | null) => d?.toISOString() ?? null;

describe("parseExpiry", () => {
  it("reads every unit in singular, plural and any case", () => {
    expect(parseExpiry("12/months")).toEqual({ n: 12, unit: "month" });
    expect(parseExpiry("1/day")).toEqual({ n: 1, unit: "day" });
    expect(parseExpiry("3/WEEKS")).toEqual({ n: 3, unit: "week" });
    expect(parseExpiry("2/Year")).toEqual({ n: 2, unit: "year" });
  });

  it.each(["", "0/days", "-1/days", "1.5/days", "12 months", "12/fortnights", "days/12", "1/"])(
    "rejects %j with the value quoted in the details",
    (value) => {
      let caught: unknown;
      try {
        parseExpiry(value);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(DomainError);
      expect((caught as DomainError).code).toBe("VALIDATION_FAILED");
      expect((caught as DomainError).details).toContain(JSON.stringify(value));
    },
  );
});

describe("duration bounds", () => {
  it("accepts up to 100 years in every unit when written", () => {
    expect(MAX_DURATION).toEqual({ year: 100, month: 1200, week: 5200, day: 36_500 });
    for (const v of ["100/years", "1200/months", "5200/weeks", "36500/days"]) {
      expect(() => parseExpiry(v)).not.toThrow();
    }
  });

  it.each(["101/years", "7974/years", "10000/years", "1201/months", "5201/weeks", "36501/days"])(
    "refuses %j when written, saying what the longest is",
    (value) => {
      expect(() => parseExpiry(value)).toThrow(
        `expiry ${JSON.stringify(value)} is longer than 100 years (at most 100/years, 1200/months, 5200/weeks or 36500/days)`,
      );
    },
  );

  it("reads a stored duration longer than the bound (written before it existed)", () => {
    expect(parseExpiry("7974/years", false)).toEqual({ n: 7974, unit: "year" });
    expect(iso(addExpiry(utc("2026-01-01T00:00:00Z"), "500/years"))).toBe(
      "2526-01-01T00:00:00.000Z",
    );
  });

  it("keeps every expiry of a bounded duration within years 0001–9999 (property)", () => {
    const units = ["days", "weeks", "months", "years"] as const;
    fc.assert(
      fc.property(
        fc.date({ min: new Date("1970-01-01"), max: new Date("9899-12-31"), noInvalidDate: true }),
        fc.constantFrom(...units),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (d, unit, share) => {
          const key = unit.slice(0, -1) as keyof typeof MAX_DURATION;
          const n = Math.max(1, Math.round(share * MAX_DURATION[key]));
          const out = addExpiry(d, `${n}/${unit}`)!;
          expect(out.getUTCFullYear()).toBeLessThanOrEqual(9999);
          expect(out.getTime()).toBeGreaterThan(d.getTime());
        },
      ),
    );
  });
});

describe("addExpiry", () => {
  it("returns null for a never-expiring effect", () => {
    expect(addExpiry(utc("2026-01-01T00:00:00Z"), null)).toBeNull();
  });

  it("clamps month ends", () => {
    expect(iso(addExpiry(utc("2025-01-31T10:00:00Z"), "1/month"))).toBe("2025-02-28T10:00:00.000Z");
    expect(iso(addExpiry(utc("2024-01-31T10:00:00Z"), "1/month"))).toBe("2024-02-29T10:00:00.000Z");
    expect(iso(addExpiry(utc("2025-03-31T00:00:00Z"), "1/month"))).toBe("2025-04-30T00:00:00.000Z");
    expect(iso(addExpiry(utc("2025-08-31T23:59:59.999Z"), "6/months"))).toBe(
      "2026-02-28T23:59:59.999Z",
    );
    expect(iso(addExpiry(utc("2025-11-15T08:00:00Z"), "3/months"))).toBe(
      "2026-02-15T08:00:00.000Z",
    );
  });

  it("handles leap years", () => {
    expect(iso(addExpiry(utc("2024-02-29T12:00:00Z"), "1/year"))).toBe("2025-02-28T12:00:00.000Z");
    expect(iso(addExpiry(utc("2024-02-29T12:00:00Z"), "4/years"))).toBe("2028-02-29T12:00:00.000Z");
    expect(iso(addExpiry(utc("2024-02-28T00:00:00Z"), "1/day"))).toBe("2024-02-29T00:00:00.000Z");
    expect(iso(addExpiry(utc("2025-02-28T00:00:00Z"), "1/day"))).toBe("2025-03-01T00:00:00.000Z");
  });

  it("adds weeks as 7 days", () => {
    expect(iso(addExpiry(utc("2025-12-29T05:06:07Z"), "2/weeks"))).toBe("2026-01-12T05:06:07.000Z");
  });

  it("adds exactly N days of 24 h (property)", () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date("1970-01-01"), max: new Date("2200-01-01"), noInvalidDate: true }),
        fc.integer({ min: 1, max: 5000 }),
        (d, n) => {
          const out = addExpiry(d, `${n}/days`)!;
          expect(out.getTime() - d.getTime()).toBe(n * 86_400_000);
        },
      ),
    );
  });

  it("keeps the time of day and never overshoots the target month (property)", () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date("1970-01-01"), max: new Date("2200-01-01"), noInvalidDate: true }),
        fc.integer({ min: 1, max: 240 }),
        (d, n) => {
          const out = addExpiry(d, `${n}/months`)!;
          const months =
            (out.getUTCFullYear() - d.getUTCFullYear()) * 12 + out.getUTCMonth() - d.getUTCMonth();
          expect(months).toBe(n);
          expect(out.getUTCDate()).toBeLessThanOrEqual(d.getUTCDate());
          expect(out.getTime() % 86_400_000).toBe(d.getTime() % 86_400_000);
        },
      ),
    );
  });
});
