import { performance } from "node:perf_hooks";
import {
  computeRedemption,
  dec,
  type Order,
  type RedeemableReward,
  renderRedemptions,
} from "@tally/core";
import type { Db } from "@tally/db";
import { createCampaign, createReward, type DemoAccount, emitEvent } from "@tally/service";
import { ceilingTps } from "./ceiling.ts";
import { expectStatus, send, serverUrl, withBenchApp } from "./harness.ts";
import { pgbenchTps } from "./pg.ts";
import { cpuLine, fmt, machineLoad, openLoopLine, percentile } from "./stats.ts";

const DISCOUNTS = {
  pctProduct: { discount_type: "PERCENTAGE", value: 20, target: "PRODUCT" },
  pctShipping: { discount_type: "PERCENTAGE", value: 50, target: "SHIPPING" },
  fixedOrder: { discount_type: "FIXED", value: 3, target: "ORDER" },
} as const;
export type RewardIds = { points: string } & Record<keyof typeof DISCOUNTS, string>;

/** A 20-line order with 5 redemptions: points and a discount on lines, shipping, order. */
export function orderOf(ids: RewardIds, n: number): Order {
  const products = Array.from({ length: 20 }, (_, i) => ({
    sku: `SKU-${i}`,
    amount: 1 + (i % 3),
    value: 5 + ((i * 7) % 40) + 0.99,
    ...(i === 0 ? { redeem: [{ id: ids.points, amount: 30 }] } : {}),
    ...(i === 1 ? { redeem: [{ id: ids.pctProduct, amount: 1 }] } : {}),
    ...(i === 2 ? { redeem: [{ id: ids.points, amount: 5 }] } : {}),
  }));
  return {
    purchase_id: `bench-redeem-${n}`,
    value: products.reduce((s, p) => s + p.value * 100, 0) / 100,
    payment_method: "CREDIT",
    products,
    shipping: { value: 4.5, redeem: [{ id: ids.pctShipping, amount: 1 }] },
    redeem: [{ id: ids.fixedOrder, amount: 1 }],
  };
}

/** Engine alone: computeRedemption + render for the 20-line, 5-redemption order. */
export function benchPreviewEngine(iterations = 5000) {
  const ids: RewardIds = {
    points: "00000000-0000-7000-8000-000000000001",
    pctProduct: "00000000-0000-7000-8000-000000000002",
    pctShipping: "00000000-0000-7000-8000-000000000003",
    fixedOrder: "00000000-0000-7000-8000-000000000004",
  };
  const reward = (
    id: string,
    type: RedeemableReward["type"],
    attributes: object,
  ): RedeemableReward => ({
    id,
    brand_id: null,
    type,
    attributes: { ...attributes },
    conditions: [],
    view: { id },
  });
  const rewards = new Map([
    [ids.points, reward(ids.points, "POINTS", { conversion_factor: 0.1 })],
    ...Object.entries(DISCOUNTS).map(
      ([k, a]) =>
        [
          ids[k as keyof typeof DISCOUNTS],
          reward(ids[k as keyof RewardIds], "DISCOUNT", a),
        ] as const,
    ),
  ]);
  const balances = new Map([...rewards.keys()].map((id) => [id, dec(1_000_000)]));
  const order = orderOf(ids, 0);
  const now = new Date();
  const once = () => {
    const outcome = computeRedemption({
      order,
      brandId: "0001",
      rewards,
      balances,
      customer: null,
      now,
    });
    if (outcome.errors.length > 0) throw new Error(JSON.stringify(outcome.errors));
    return renderRedemptions(order, outcome);
  };
  for (let i = 0; i < 3000; i++) once(); // warm-up: the JIT settles as in a running server
  const times: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    once();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const p50 = percentile(times, 50);
  const p99 = percentile(times, 99);
  console.log(`engine: preview of a 20-line order with 5 redemptions, ${iterations} runs`);
  console.log(`  p50 ${fmt(p50, 3)} ms  p99 ${fmt(p99, 3)} ms  (target p99 < 0.5 ms)`);
  return { p50, p99 };
}

/** The discount rewards, and a campaign that stocks every customer with them on a big purchase. */
export async function prepareSpending(
  db: Db,
  app: { demo: DemoAccount; customerIds: string[] },
  ids: RewardIds,
) {
  const deps = { db, now: () => new Date() };
  const { accountId } = app.demo;
  ids.points = app.demo.rewardId;
  for (const [key, attributes] of Object.entries(DISCOUNTS)) {
    const r = await createReward(deps, accountId, {
      name: key,
      type: "DISCOUNT",
      brand_id: null,
      conditions: [],
      attributes: { ...attributes },
    });
    ids[key as keyof typeof DISCOUNTS] = r.id;
  }
  await createCampaign(deps, accountId, "BEHAVIOR", {
    name: "stock",
    attributes: { trigger: "PURCHASE" },
    status: "ACTIVE",
    withoutEndDate: true,
    rules: [
      {
        conditions: [
          [{ type: "Order Value", operator: "greater than", primitive: "number", value: 50_000 }],
        ],
        effects: Object.keys(DISCOUNTS).map((k) => ({
          reward_id: ids[k as keyof typeof DISCOUNTS],
          amount: 1000,
          expiration_date: null,
          calculation: "FIXED" as const,
        })),
      },
    ],
  });
  const principal = { accountId, keyId: "bench", kind: "SERVER" as const };
  for (let i = 0; i < app.customerIds.length; i += 20) {
    await Promise.all(
      app.customerIds.slice(i, i + 20).map((customer_id) =>
        emitEvent(deps, principal, {
          customer_id,
          brand_id: "0001",
          type: "PURCHASE",
          fulfilled: true,
          order: { purchase_id: `stock-${customer_id}`, value: 100_000 },
        }),
      ),
    );
  }
}

/**
 * Over HTTP against PostgreSQL (same 10 running campaigns as the PURCHASE benchmark): previews of
 * the 20-line order at `clients` clients (closed loop), then at half that rate in an open loop,
 * then PURCHASE events committing its 5 redemptions, and pgbench TPC-B-like in the same run;
 * prints p50/p99, CPU per call of the apps and PostgreSQL, events/s and the ratio, and the
 * ceiling: the same server writing the same events' rows with no app (ceiling.ts).
 */
export async function benchSpending() {
  const clients = Number(process.env.BENCH_CLIENTS ?? 8);
  const seconds = Number(process.env.BENCH_SECONDS ?? 10);
  const procs = Number(process.env.BENCH_APP_PROCS ?? 2);
  const customers = Number(process.env.BENCH_CUSTOMERS ?? 500);
  const ids = {} as RewardIds;
  const { preview, pacedPreview, redeem, ceiling } = await withBenchApp(
    { customers, procs, prepare: (db, app) => prepareSpending(db, app, ids) },
    async (app) => {
      const bodyOf = (n: number) => ({
        customer_id: app.customerIds[n % app.customerIds.length],
        brand_id: "0001",
        order: orderOf(ids, n),
      });
      const previewCall = async (n: number, port: number) => {
        const status = await send(
          port,
          "PUT",
          "/events/redeem/preview",
          app.token,
          JSON.stringify(bodyOf(n)),
        );
        expectStatus(status, 200, "preview");
      };
      const preview = await app.load({ clients, seconds, call: previewCall });
      const pacedPreview = await app.paced({
        rate: preview.perSec / 2,
        seconds,
        call: previewCall,
      });
      const redeem = await app.load({
        clients,
        seconds,
        call: async (n, port) => {
          const body = { ...bodyOf(n), type: "PURCHASE" };
          const status = await send(
            port,
            "POST",
            "/behavior/events",
            app.token,
            JSON.stringify(body),
          );
          expectStatus(status, 201, "redemption event");
        },
      });
      const ceiling = await ceilingTps(app.url, {
        script: "redemption",
        events: `e.purchase_id like 'bench-redeem-%' and exists (select 1 from transactions x
          where x.account_id = e.account_id and x.event_id = e.id and x.type = 'REDEMPTION')`,
        customers,
        clients,
        seconds,
      });
      return { preview, pacedPreview, redeem, ceiling };
    },
  );
  const tps = await pgbenchTps(serverUrl(), { clients, seconds });
  const ratio = redeem.perSec / tps;
  console.log(
    `preview over HTTP (20 lines, 5 redemptions), ${clients} clients, ${procs} app process(es), ${seconds}s (${machineLoad()}):`,
  );
  console.log(
    `  ${fmt(preview.perSec, 0)} previews/s  p50 ${fmt(preview.p50)} ms  p99 ${fmt(preview.p99)} ms  (target p99 < 15 ms)`,
  );
  console.log(cpuLine(preview.cpu, 0.5));
  console.log(openLoopLine(pacedPreview, 8));
  console.log("redemption events over HTTP (same order committed):");
  console.log(
    `  ${fmt(redeem.perSec, 0)} events/s  p50 ${fmt(redeem.p50)} ms  p99 ${fmt(redeem.p99)} ms`,
  );
  console.log(cpuLine(redeem.cpu, 1.5, "app 4.3–5.0 ms, PostgreSQL 2.8 ms, quiet machine"));
  console.log(`pgbench TPC-B-like, ${clients} clients, same server: ${fmt(tps, 0)} tps`);
  console.log(`ratio redemption events/s ÷ pgbench tps = ${fmt(ratio, 3)}  (target ≥ 0.3)`);
  console.log(
    `ceiling, ${ceiling.what} (pgbench -f sql/redemption.sql): ${fmt(ceiling.tps, 0)} tps, ratio ${fmt(ceiling.tps / tps, 3)}`,
  );
  console.log(
    `redemption events/s ÷ ceiling tps = ${fmt(redeem.perSec / ceiling.tps, 3)}  (target ≥ 0.75; baseline 0.43)  (${machineLoad()})`,
  );
  return { preview, pacedPreview, redeem, tps, ratio, ceiling };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  benchPreviewEngine();
  await benchSpending();
}
