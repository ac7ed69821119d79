import { resolve } from "node:path";
import { expectStatus, send, withBenchApp } from "./harness.ts";
import { orderOf, prepareSpending, type RewardIds } from "./spending.ts";
import { fmt, machineLoad } from "./stats.ts";

/**
 * This checkout's app against another checkout's (`pnpm bench:compare <other repo root>`, e.g.
 * a worktree of main) on one database in one run: PURCHASE, preview and redemption events in
 * closed loops, the two apps alternating `BENCH_ROUNDS` times (default 3), so a busy machine's
 * drift falls on both alike. Prints app and PostgreSQL CPU per call of each round and the
 * medians. Both checkouts must share the database schema.
 */
export async function benchCompare(otherRoot: string) {
  const clients = Number(process.env.BENCH_CLIENTS ?? 8);
  const seconds = Number(process.env.BENCH_SECONDS ?? 10);
  const procs = Number(process.env.BENCH_APP_PROCS ?? 2);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const other = resolve(otherRoot, "apps/rest/src/main.ts");
  const ids = {} as RewardIds;
  await withBenchApp(
    { customers: 500, procs, prepare: (db, app) => prepareSpending(db, app, ids) },
    async (app) => {
      const otherPorts = app.ports.map((p) => p + 50);
      for (const port of otherPorts) await app.start(port, { entry: other });
      const calls = {
        PURCHASE: async (n: number, port: number) => {
          const body = {
            customer_id: app.customerIds[n % app.customerIds.length],
            brand_id: "0001",
            type: "PURCHASE",
            order: { purchase_id: `cmp-${n}`, value: 10 + (n % 90), payment_method: "CREDIT" },
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
        preview: async (n: number, port: number) => {
          const body = {
            customer_id: app.customerIds[n % app.customerIds.length],
            brand_id: "0001",
            order: orderOf(ids, n),
          };
          const status = await send(
            port,
            "PUT",
            "/events/redeem/preview",
            app.token,
            JSON.stringify(body),
          );
          expectStatus(status, 200, "preview");
        },
        redemption: async (n: number, port: number) => {
          const body = {
            customer_id: app.customerIds[n % app.customerIds.length],
            brand_id: "0001",
            type: "PURCHASE",
            order: { ...orderOf(ids, n), purchase_id: `cmp-redeem-${n}` },
          };
          const status = await send(
            port,
            "POST",
            "/behavior/events",
            app.token,
            JSON.stringify(body),
          );
          expectStatus(status, 201, "redemption event");
        },
      };
      console.log(
        `this checkout vs ${otherRoot}, ${clients} clients, ${procs} app process(es) each, ${rounds} × ${seconds}s alternating (${machineLoad()}):`,
      );
      for (const [what, call] of Object.entries(calls)) {
        const runs = { here: [] as number[][], there: [] as number[][] };
        for (let r = 0; r < rounds; r++) {
          for (const [side, ports] of [
            ["here", app.ports],
            ["there", otherPorts],
          ] as const) {
            const x = await app.load({ clients, seconds, call, ports });
            runs[side].push([x.cpu.app, x.cpu.postgres, x.perSec]);
          }
        }
        const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
        for (const side of ["here", "there"] as const) {
          const col = (i: number) => runs[side].map((x) => x[i]!);
          console.log(
            `  ${what.padEnd(10)} ${side === "here" ? "this " : "other"}: app ${fmt(median(col(0)), 3)} ms/call (${col(
              0,
            )
              .map((x) => fmt(x, 3))
              .join(", ")}), PostgreSQL ${fmt(median(col(1)), 3)} ms, ${fmt(median(col(2)), 0)}/s`,
          );
        }
      }
      console.log(`  (${machineLoad()})`);
    },
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const other = process.argv[2];
  if (!other) throw new Error("usage: pnpm bench:compare <root of the other checkout>");
  await benchCompare(other);
}
