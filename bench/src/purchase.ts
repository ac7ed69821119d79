import { ceilingTps } from "./ceiling.ts";
import { expectStatus, send, serverUrl, withBenchApp } from "./harness.ts";
import { pgbenchTps } from "./pg.ts";
import { cpuLine, fmt, machineLoad, openLoopLine } from "./stats.ts";

/** The figures of main before this work, on a quiet machine (2026-12-07). */
const BASELINE_CPU = "app 2.6–2.7 ms, PostgreSQL 1.5–1.6 ms, quiet machine";

/**
 * PURCHASE events over HTTP against PostgreSQL with 10 running campaigns, from
 * `clients` concurrent keep-alive clients (closed loop: the saturation rate), with the CPU the
 * apps and PostgreSQL spent per event; then an open loop at half that rate (latency from the
 * scheduled send); and pgbench TPC-B on the same server in the same run. Prints events/s,
 * p50/p99 and the ratio; then the ceiling: the same server writing the same events' rows with
 * no app (ceiling.ts), as a ratio to the same pgbench run and to the events/s.
 */
export async function benchPurchase() {
  const clients = Number(process.env.BENCH_CLIENTS ?? 8);
  const seconds = Number(process.env.BENCH_SECONDS ?? 10);
  const procs = Number(process.env.BENCH_APP_PROCS ?? 2);
  const customers = Number(process.env.BENCH_CUSTOMERS ?? 1000);
  const { run, paced, ceiling } = await withBenchApp({ customers, procs }, async (app) => {
    const call = async (n: number, port: number) => {
      const body = {
        customer_id: app.customerIds[n % app.customerIds.length],
        brand_id: "0001",
        type: "PURCHASE",
        order: { purchase_id: `bench-${n}`, value: 10 + (n % 90), payment_method: "CREDIT" },
      };
      const status = await send(port, "POST", "/behavior/events", app.token, JSON.stringify(body));
      expectStatus(status, 201, "PURCHASE");
    };
    const run = await app.load({ clients, seconds, call });
    const paced = await app.paced({ rate: run.perSec / 2, seconds, call });
    const ceiling = await ceilingTps(app.url, {
      script: "purchase",
      events: "e.type = 'PURCHASE' and e.purchase_id like 'bench-%'",
      customers,
      clients,
      seconds,
    });
    return { run, paced, ceiling };
  });
  const tps = await pgbenchTps(serverUrl(), { clients, seconds });
  const ratio = run.perSec / tps;
  console.log(
    `PURCHASE over HTTP, ${clients} clients, ${procs} app process(es), 10 running campaigns, ${seconds}s (${machineLoad()}):`,
  );
  console.log(
    `  ${fmt(run.perSec, 0)} events/s  p50 ${fmt(run.p50)} ms  p99 ${fmt(run.p99)} ms  (target p99 < 25 ms)`,
  );
  console.log(cpuLine(run.cpu, 1.0, BASELINE_CPU));
  console.log(openLoopLine(paced, 15));
  console.log(`pgbench TPC-B-like, ${clients} clients, same server: ${fmt(tps, 0)} tps`);
  console.log(`ratio events/s ÷ pgbench tps = ${fmt(ratio, 3)}  (target ≥ 0.4)`);
  console.log(
    `ceiling, ${ceiling.what} (pgbench -f sql/purchase.sql): ${fmt(ceiling.tps, 0)} tps, ratio ${fmt(ceiling.tps / tps, 3)}`,
  );
  console.log(
    `events/s ÷ ceiling tps = ${fmt(run.perSec / ceiling.tps, 3)}  (target ≥ 0.75; baseline 0.48–0.52)  (${machineLoad()})`,
  );
  return {
    eventsPerSec: run.perSec,
    p50: run.p50,
    p99: run.p99,
    cpu: run.cpu,
    paced,
    tps,
    ratio,
    ceiling,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) await benchPurchase();
