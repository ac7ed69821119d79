import { performance } from "node:perf_hooks";
import { type CampaignFacts, compileCampaign, type EventFacts, matchCampaigns } from "@tally/core";
import { fmt, percentile } from "./stats.ts";

/**
 * Engine alone: match one PURCHASE event against 1,000 running compiled campaigns
 * (each with an OR of two condition groups), many times; prints mean/p50/p99.
 */
export function benchMatch(opts: { campaigns?: number; iterations?: number } = {}) {
  const count = opts.campaigns ?? 1000;
  const iterations = opts.iterations ?? 2000;
  const start = new Date("2026-01-01T00:00:00Z");
  const campaigns: CampaignFacts[] = Array.from({ length: count }, (_, i) => ({
    id: `00000000-0000-7000-8000-${String(i).padStart(12, "0")}`,
    type: "BEHAVIOR",
    brand_id: i % 3 === 0 ? "0001" : null,
    platforms: null,
    trigger: i % 10 === 0 ? "ADD_TO_CART" : "PURCHASE",
    status: "ACTIVE",
    start_date: start,
    end_date: null,
    rules: [
      {
        conditions: [
          [
            { type: "Order Value", operator: "greater than", primitive: "number", value: i % 50 },
            {
              type: "Payment Method",
              operator: "is one of",
              primitive: "string",
              value: ["CREDIT", "DEBIT"],
            },
          ],
          [
            {
              type: "Customer number of purchases",
              operator: "greater than or equal to",
              primitive: "number",
              value: 3,
            },
          ],
        ],
        effects: [
          {
            reward_id: "00000000-0000-7000-8000-000000000001",
            tier_id: null,
            amount: 1,
            expiration_date: "12/months",
          },
        ],
      },
    ],
    budget: null,
    divide_budget_in: null,
    funded_by: null,
    updated_at: start,
  }));
  const compiled = campaigns.map(compileCampaign);
  const event: EventFacts = {
    type: "PURCHASE",
    brand_id: "0001",
    platform: "web",
    issued_at: new Date("2026-06-01T12:00:00Z"),
    tags: {},
    order: { value: 25, payment_method: "CREDIT", products: [{ sku: "A", amount: 1, value: 25 }] },
  };
  const customer = {
    tier_id: "t",
    tags: {},
    metrics: {
      lifetime: {
        from: null,
        to: null,
        last_visit: null,
        spend_total: 100,
        number_of_purchases: 2,
      },
    },
    registration_date: start,
    dob: null,
    country: null,
  };
  const now = new Date("2026-06-01T12:00:01Z");
  let matched = 0;
  for (let i = 0; i < 200; i++)
    matched = matchCampaigns({ campaigns: compiled, event, customer, now }).length;
  const times: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    matchCampaigns({ campaigns: compiled, event, customer, now });
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const mean = times.reduce((s, t) => s + t, 0) / times.length;
  console.log(
    `engine: match 1 event against ${count} running campaigns (${matched} rules match), ${iterations} runs`,
  );
  console.log(
    `  mean ${fmt(mean, 3)} ms  p50 ${fmt(percentile(times, 50), 3)} ms  p99 ${fmt(percentile(times, 99), 3)} ms  (target < 1 ms)`,
  );
  return { mean, p50: percentile(times, 50), p99: percentile(times, 99) };
}

if (import.meta.url === `file://${process.argv[1]}`) benchMatch();
