import { ceilingTps } from "./ceiling.ts";
import { expectStatus, send, serverUrl, withBenchApp } from "./harness.ts";
import { pgbenchTps } from "./pg.ts";
import { fmt } from "./stats.ts";

/**
 * PURCHASE events over HTTP against PostgreSQL with 10 running campaigns, from
 * `clients` concurrent keep-alive clients, and pgbench TPC-B on the same server in
 * the same run. Prints events/s, p50/p99 and the ratio; then the ceiling: the same server
 * writing the same events' rows with no app (ceiling.ts), as a ratio to the same pgbench run.
 */
export async function benchPurchase() {
  const clients = Number(process.env.BENCH_CLIENTS ?? 8);
  const seconds = Number(process.env.BENCH_SECONDS ?? 10);
  const procs = Number(process.env.BENCH_APP_PROCS ?? 2);
  const customers = Number(process.env.BENCH_CUSTOMERS ?? 1000);
  const { run, ceiling } = await withBenchApp({ customers, procs }, async (app) => {
    const run = await app.load({
      clients,
      seconds,
      call: async (n, port) => {
        const body = {
          customer_id: app.customerIds[n % app.customerIds.length],
          brand_id: "0001",
          type: "PURCHASE",
          order: { purchase_id: `bench-${n}`, value: 10 + (n % 90), payment_method: "CREDIT" },
        };
        const status = await send(
          port,
          "POST",
          "/behavior/events",
          app.token,
          JSON.stringify(body),
        );
        expectStatus(status, 201, "PURCHASE");
      },
    });
    const ceiling = await ceilingTps(app.url, {
      script: "purchase",
      events: "e.type = 'PURCHASE' and e.purchase_id like 'bench-%'",
      customers,
      clients,
      seconds,
    });
    return { run, ceiling };
  });
  const tps = await pgbenchTps(serverUrl(), { clients, seconds });
  const ratio = run.perSec / tps;
  console.log(
    `PURCHASE over HTTP, ${clients} clients, ${procs} app process(es), 10 running campaigns, ${seconds}s:`,
  );
  console.log(
    `  ${fmt(run.perSec, 0)} events/s  p50 ${fmt(run.p50)} ms  p99 ${fmt(run.p99)} ms  (target p99 < 25 ms)`,
  );
  console.log(`pgbench TPC-B-like, ${clients} clients, same server: ${fmt(tps, 0)} tps`);
  console.log(`ratio events/s ÷ pgbench tps = ${fmt(ratio, 3)}  (target ≥ 0.4)`);
  console.log(
    `ceiling, ${ceiling.what} (pgbench -f sql/purchase.sql): ${fmt(ceiling.tps, 0)} tps, ratio ${fmt(ceiling.tps / tps, 3)}`,
  );
  return { eventsPerSec: run.perSec, p50: run.p50, p99: run.p99, tps, ratio, ceiling };
}

if (import.meta.url === `file://${process.argv[1]}`) await benchPurchase();
