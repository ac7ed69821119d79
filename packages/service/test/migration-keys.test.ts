import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonical } from "../src/kernel/canonical.ts";
import {
  canonicalRecord,
  eventKeys,
  normalizeRecord,
  recordKeys,
  replacementKey,
} from "../src/migrations/keys.ts";

describe("migration keys", () => {
  it("do not depend on key order or position, and keep identical rows of one item apart", () => {
    const a = { reward_id: "r", amount: 1, issued_at: "2024-01-01" };
    const reordered = { issued_at: "2024-01-01", amount: 1, reward_id: "r" };
    const b = { reward_id: "r", amount: 2 };
    const [ka, kb] = recordKeys("txn", "c1", [a, b]);
    expect(recordKeys("txn", "c1", [b, reordered])).toEqual([kb, ka]);
    const twice = recordKeys("txn", "c1", [a, a]);
    expect(twice[0]).toBe(ka);
    expect(twice[1]).not.toBe(ka);
    expect(recordKeys("txn", "c2", [a])[0]).not.toBe(ka);
    expect(ka).toMatch(/^txn:[0-9a-f]{64}$/);
    expect(replacementKey("bal:abc")).toBe("rep:abc");
  });

  it("recognise a purchase by customer, brand and purchase_id whatever else changed", () => {
    const e = (value: number, purchase_id?: string) => ({
      brand_id: "0001",
      order: { purchase_id, value },
    });
    expect(eventKeys("c1", [e(1, "p1")])).toEqual(eventKeys("c1", [e(2, "p1")]));
    expect(eventKeys("c1", [e(1)])).not.toEqual(eventKeys("c1", [e(2)]));
    expect(eventKeys("c1", [e(1, "p1")])).not.toEqual(eventKeys("c2", [e(1, "p1")]));
  });

  it("key records by canonical(normalizeRecord(record)), computed in one pass", () => {
    const date = fc.oneof(
      fc
        .date({ min: new Date("0001-01-01"), max: new Date("9999-12-31"), noInvalidDate: true })
        .map((d) => d.toISOString()),
      fc.constantFrom("2024-01-01", "2024-02-30", "2024-01-01T10:00:00+02:00", "2024-13-01"),
    );
    const leaf = fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.integer(),
      fc.constantFrom(0, -0, 1e-7, 1e21, 0.1, 1e12, -1.5e-8),
      fc.string(),
      date,
      fc.boolean(),
      fc.constant(null),
      fc.constant(undefined),
    );
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: "small" },
        leaf,
        fc.array(tie("node")),
        fc.dictionary(fc.string(), tie("node")),
      ),
    })).node;
    fc.assert(
      fc.property(value, (v) => {
        expect(canonicalRecord(v)).toBe(canonical(normalizeRecord(v)));
      }),
      { numRuns: 1000 },
    );
  });
});
