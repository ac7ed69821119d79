import { describe, expect, it } from "vitest";
import {
  formatBatchIssues,
  ZMigrateCustomersSchema,
  ZMigrateEventsSchema,
  ZMigrateTransactionsSchema,
} from "../src/index.ts";

const rewardId = "3c90c3cc-0d44-4b50-8888-8dd25736052a";
// Seed 002 (migrate transactions), as an integration sends it.
const seedTransaction = {
  brand_id: "<string>",
  reward_id: rewardId,
  details: "<string>",
  type: "ACCUMULATION",
  issued_at: "2023-11-07T05:31:56Z",
  resolved_at: "2023-11-07T05:31:56Z",
  amount: 123,
  cost: 123,
  store_id: "<string>",
  channel_id: "<string>",
  event: {
    type: "PURCHASE",
    order: {
      purchase_id: "<string>",
      value: 20.95,
      discounted_value: 10.95,
      products: [
        { sku: "<string>", amount: 123, value: 123, redeem: [{ id: rewardId, amount: 1 }] },
      ],
      shipping: { value: 3.25, discounted_value: 2.25, tags: {}, metadata: {} },
      payment_method: "CREDIT",
      redeem: [{ id: rewardId, amount: 1 }],
      metadata: {},
    },
  },
  funded_by: "<string>",
};

describe("migrate schemas", () => {
  it("accept the seed's transactions body, signed amounts included", () => {
    const parsed = ZMigrateTransactionsSchema.parse({
      customers: [
        { id: "<string>", transactions: [seedTransaction, { ...seedTransaction, amount: -5.5 }] },
      ],
    });
    expect(parsed.customers[0]!.transactions[1]!.amount).toBe(-5.5);
    expect(parsed.customers[0]!.transactions[0]!.event!.order!.value).toBe(20.95);
  });

  it("accept customers with balances and metrics, and name each bad item and field", () => {
    const ok = ZMigrateCustomersSchema.safeParse({
      customers: [
        {
          id: "c1",
          name: "Ada",
          email: "ada@example.com",
          registration_date: "2020-01-01",
          balance: [{ reward_id: rewardId, amount: 10, expiration_date: "2030-01-01" }],
          metrics: { lifetime: { spend_total: 10.5, number_of_purchases: 2 } },
        },
      ],
    });
    expect(ok.success).toBe(true);
    const bad = ZMigrateCustomersSchema.safeParse({
      customers: [{ id: "ok" }, { id: "b", balance: [{ reward_id: rewardId, amount: 0 }] }, {}],
    });
    expect(bad.success).toBe(false);
    const details = formatBatchIssues(bad.error!.issues);
    expect(details).toMatch(/customers\[1\]\.balance\[0\]\.amount: /);
    expect(details).toMatch(/customers\[2\]\.id: is required/);
  });

  it("count events across customers against the batch limit, and need one event per customer", () => {
    const event = { type: "PURCHASE", order: { value: 1 }, issued_at: "2024-01-01T00:00:00Z" };
    const body = (n: number, per: number) => ({
      customers: Array.from({ length: n }, (_, i) => ({
        id: `c${i}`,
        events: Array.from({ length: per }, () => event),
      })),
    });
    expect(ZMigrateEventsSchema.safeParse(body(10, 100)).success).toBe(true);
    const over = ZMigrateEventsSchema.safeParse(body(7, 143));
    expect(formatBatchIssues(over.error!.issues)).toBe(
      "customers: holds 1001 events; a batch holds at most 1000",
    );
    const empty = ZMigrateEventsSchema.safeParse({ customers: [{ id: "a", events: [] }] });
    expect(formatBatchIssues(empty.error!.issues)).toMatch(/^customers\[0\]\.events: /);
  });

  it("report at most 200 issues, then count the rest", () => {
    const bad = ZMigrateCustomersSchema.safeParse({
      customers: Array.from({ length: 300 }, () => ({})),
    });
    const details = formatBatchIssues(bad.error!.issues);
    expect(details).toMatch(/customers\[199\]\.id: is required; … and 100 more$/);
  });
});
