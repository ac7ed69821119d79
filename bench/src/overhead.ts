import { fileURLToPath } from "node:url";
import { sql } from "kysely";
import { expectStatus, send, withBenchApp } from "./harness.ts";
import { fmt } from "./stats.ts";

const BARE = fileURLToPath(new URL("./bare-app.ts", import.meta.url));

/**
 * What the operations middleware costs on PURCHASE over HTTP, on one PostgreSQL database in
 * one run: main.ts with a JSON log line per request (LOG_LEVEL=info, to /dev/null), metrics
 * and the per-key rate limit (the demo account's SERVER keys limited to a million a minute,
 * so each request does the counter's upsert), against the same app built without them
 * (bare-app.ts). The two alternate, twice each, and the means are compared.
 */
export async function benchOverhead() {
  const clients = Number(process.env.BENCH_CLIENTS ?? 8);
  const seconds = Number(process.env.BENCH_SECONDS ?? 10);
  const procs = Number(process.env.BENCH_APP_PROCS ?? 2);
  const customers = Number(process.env.BENCH_CUSTOMERS ?? 1000);
  const runs = await withBenchApp(
    {
      customers,
      procs,
      app: { env: { LOG_LEVEL: "info" } },
      prepare: (db, { demo }) =>
        sql`update accounts set rate_limit_server_per_minute = 1000000 where id = ${demo.accountId}`
          .execute(db)
          .then(() => {}),
    },
    async (app) => {
      const bare = app.ports.map((p) => p + 50);
      for (const port of bare) await app.start(port, { entry: BARE });
      const purchase = (tag: string) => async (n: number, port: number) => {
        const body = {
          customer_id: app.customerIds[n % app.customerIds.length],
          brand_id: "0001",
          type: "PURCHASE",
          order: { purchase_id: `ops-${tag}-${n}`, value: 10 + (n % 90), payment_method: "CREDIT" },
        };
        const status = await send(
          port,
          "POST",
          "/behavior/events",
          app.token,
          JSON.stringify(body),
        );
        expectStatus(status, 201, "PURCHASE");
      };
      const results = {
        with: [] as number[],
        without: [] as number[],
        p99With: [] as number[],
        p99Without: [] as number[],
      };
      for (let round = 0; round < 2; round++) {
        const w = await app.load({ clients, seconds, call: purchase(`w${round}`) });
        const b = await app.load({ clients, seconds, call: purchase(`b${round}`), ports: bare });
        results.with.push(w.perSec);
        results.p99With.push(w.p99);
        results.without.push(b.perSec);
        results.p99Without.push(b.p99);
      }
      return results;
    },
  );
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const withOps = mean(runs.with);
  const without = mean(runs.without);
  const overhead = without / withOps - 1;
  console.log(
    `PURCHASE over HTTP with and without logs + metrics + rate limit, ${clients} clients, ${procs} app process(es) each, 2 × ${seconds}s alternating:`,
  );
  console.log(
    `  with:    ${fmt(withOps, 0)} events/s (${runs.with.map((x) => fmt(x, 0)).join(", ")})  p99 ${fmt(mean(runs.p99With))} ms`,
  );
  console.log(
    `  without: ${fmt(without, 0)} events/s (${runs.without.map((x) => fmt(x, 0)).join(", ")})  p99 ${fmt(mean(runs.p99Without))} ms`,
  );
  console.log(
    `  ratio with ÷ without = ${fmt(withOps / without, 3)}; overhead ${fmt(overhead * 100, 1)}% of time per event (target < 5%)`,
  );
  return { withOps, without, overhead };
}

if (import.meta.url === `file://${process.argv[1]}`) await benchOverhead();
