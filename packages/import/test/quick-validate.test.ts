import { MIGRATION_FILE_ITEM_SCHEMAS } from "@tally/schemas";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { quickTransactionsItem } from "../src/quick-validate.ts";
import { validateItem } from "../src/validate.ts";

const schema = MIGRATION_FILE_ITEM_SCHEMAS.TRANSACTIONS;
const R = "0b8e1d1c-3c1e-4b7a-9c55-7f0e5a1d2b3c";

/** A plain record of a real file: the required fields, some optional ones. */
const goodRecord = fc.record(
  {
    reward_id: fc.constant(R),
    type: fc.constantFrom("ACCUMULATION", "REDEMPTION", "MIGRATION", "TRANSFER"),
    amount: fc.oneof(
      fc.integer({ min: -1e6, max: 1e6 }).map((n) => n / 100),
      fc.constantFrom(0, -0, 1e-8, 1e12, -1e12, 0.12345678),
    ),
    issued_at: fc.oneof(
      fc.constantFrom("2024-01-02", "2024-02-29", "2024-01-02T10:00:00.123+02:00"),
      fc
        .date({ min: new Date("0001-01-01"), max: new Date("9999-12-31"), noInvalidDate: true })
        .map((d) => d.toISOString()),
    ),
    resolved_at: fc.constantFrom("2024-03-01T00:00:00Z", null),
    cost: fc.constantFrom(0, 2.5, null),
    brand_id: fc.constantFrom("b1", "x".repeat(128), null),
    store_id: fc.constantFrom("s1", null),
    channel_id: fc.constantFrom("web", null),
    details: fc.constantFrom("", "x".repeat(2000), "tab\there", null),
    funded_by: fc.constantFrom("brand", "x".repeat(64), null),
  },
  { requiredKeys: ["reward_id", "type", "amount", "issued_at"] },
);
/** Values a careless file holds instead, for any field (undefined: the field left out). */
const badValue = fc.oneof(
  fc.constantFrom(
    undefined,
    null,
    "",
    " s1",
    "s1 ",
    "x".repeat(129),
    "x".repeat(2001),
    "2023-02-29",
    "2024-04-31",
    "2024-13-01",
    "0000-01-01",
    "0000-12-31T23:00:00+01:00",
    "2024-01-02T10:00:00+15:00",
    "2024-01-02 10:00:00",
    R.toUpperCase(),
    "not-a-uuid",
    "accumulation",
    "GIFT",
    1e-9,
    0.123456789,
    1e12 + 1,
    -1e12 - 1,
    1e21,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    -1,
    "5",
    true,
    [],
    {},
    { type: "PURCHASE" },
    { type: "PURCHASE", order: { value: 3 } },
  ),
  fc.string({ maxLength: 4 }),
  fc.double(),
);
const field = fc.constantFrom(
  "reward_id",
  "type",
  "amount",
  "issued_at",
  "resolved_at",
  "cost",
  "brand_id",
  "store_id",
  "channel_id",
  "details",
  "funded_by",
  "event",
  "extra",
);
/** A plain record, or one with a field or two changed to what a careless file holds. */
const record = fc
  .tuple(goodRecord, fc.array(fc.tuple(field, badValue), { maxLength: 2 }))
  .map(([good, changes]) => {
    const out: Record<string, unknown> = { ...good };
    for (const [key, value] of changes) {
      if (value === undefined) delete out[key];
      else out[key] = value;
    }
    return out;
  });
const item = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      id: fc.constantFrom("c1", "x".repeat(128)),
      transactions: fc.array(record, { minLength: 1, maxLength: 4 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record(
      {
        id: badValue,
        transactions: fc.oneof(fc.array(record, { maxLength: 2 }), badValue),
        extra: badValue,
      },
      { requiredKeys: [] },
    ),
  },
);

describe("the quick accept of transactions items", () => {
  it("accepts only what zod accepts, and as zod leaves it", () => {
    let accepted = 0;
    fc.assert(
      fc.property(item, (generated) => {
        // As a file holds it (NDJSON is JSON); the generated object too (CSV builds its own).
        for (const raw of [JSON.parse(JSON.stringify(generated)), generated]) {
          const quick = quickTransactionsItem(raw);
          if (quick === undefined) continue;
          accepted += 1;
          const parsed = schema.safeParse(raw);
          expect(parsed.success).toBe(true);
          // Equal values (zod orders the keys as its shape does; the importer never reads their order).
          expect(quick).toEqual(parsed.data);
        }
      }),
      { numRuns: 20_000 },
    );
    // Plain items are common enough among the generated ones that the property was exercised.
    expect(accepted).toBeGreaterThan(2000);
  });

  it("takes the plain items of a real file", () => {
    const raw = {
      id: "c1",
      transactions: [
        { reward_id: R, type: "ACCUMULATION", amount: 12.5, issued_at: "2024-02-29" },
        {
          reward_id: R,
          type: "REDEMPTION",
          amount: -2,
          issued_at: "2024-03-01T08:00:00+02:00",
          resolved_at: null,
          cost: 0.25,
          brand_id: "b1",
          details: "x",
        },
      ],
    };
    expect(quickTransactionsItem(raw)).toBe(raw);
  });

  it("rejects bad rows with the same lines and reasons as zod alone", () => {
    const good = { reward_id: R, type: "ACCUMULATION", amount: 1, issued_at: "2024-01-02" };
    const bad: unknown[] = [
      { id: " ", transactions: [good] },
      { id: "c", transactions: [] },
      { id: "c", transactions: [{ ...good, amount: 0.123456789 }] },
      { id: "c", transactions: [{ ...good, amount: "1" }] },
      { id: "c", transactions: [{ ...good, amount: 1e13 }] },
      { id: "c", transactions: [{ ...good, issued_at: "2023-02-29" }] },
      { id: "c", transactions: [{ ...good, issued_at: "0000-12-31T23:00:00+01:00" }] },
      { id: "c", transactions: [{ ...good, issued_at: "2024-01-02T10:00:00+15:00" }] },
      { id: "c", transactions: [{ ...good, resolved_at: "yesterday" }] },
      { id: "c", transactions: [{ ...good, reward_id: "r1" }] },
      { id: "c", transactions: [{ ...good, type: "GIFT" }] },
      { id: "c", transactions: [good, { ...good, cost: -1, brand_id: "" }] },
      { id: "c", transactions: [{ ...good, funded_by: "x".repeat(65) }] },
      { id: "c", transactions: [{ ...good, details: "x".repeat(2001) }] },
      { id: "c", transactions: [{ ...good, event: { type: "REFUND" } }] },
      { id: "c", transactions: [good, good, { ...good, store_id: 3 }] },
      [good],
      null,
    ];
    for (const raw of bad) {
      // CSV items name a line per record; NDJSON items one line.
      const lines = [10, 11, 12];
      const recordRows = [0, 1, 2];
      const quick = validateItem({ type: "TRANSACTIONS", raw, lines, recordRows });
      const zodOnly = validateItem({ type: "TRANSACTIONS", raw, lines, recordRows, quick: false });
      expect(quick.problems, JSON.stringify(raw)).toBeDefined();
      expect(quick).toEqual(zodOnly);
    }
  });
});
