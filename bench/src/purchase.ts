import { type ChildProcess, spawn } from "node:child_process";
import http from "node:http";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { createDb, migrateToLatest } from "@tally/db";
import { createCampaign, createCustomer, seedDemo } from "@tally/service";
import { pgbenchTps, scratchDatabase } from "./pg.ts";
import { fmt, percentile } from "./stats.ts";

const REST_MAIN = fileURLToPath(new URL("../../apps/rest/src/main.ts", import.meta.url));

function startApp(url: string, port: number, key: string): Promise<ChildProcess> {
  const profile = process.env.BENCH_CPU_PROF
    ? [`--cpu-prof`, `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
    : [];
  const child = spawn(process.execPath, [...profile, "--import", "tsx", REST_MAIN], {
    env: {
      ...process.env,
      DATABASE_URL: url,
      PORT: String(port),
      DEMO_API_KEY: key,
      LOG_LEVEL: "silent",
      WORKER: "off",
      JWT_SECRET: "b".repeat(32),
      DB_POOL_SIZE: "10",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + 30_000;
    const poll = async () => {
      try {
        const r = await fetch(`http://127.0.0.1:${port}/health`);
        if (r.ok) return resolve(child);
      } catch {}
      if (Date.now() > deadline) return reject(new Error("app did not start"));
      setTimeout(poll, 200);
    };
    poll();
  });
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** A keep-alive POST with node:http (lighter than fetch, so the load generator steals less CPU). */
function post(port: number, path: string, token: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port,
        path,
        method: "POST",
        agent,
        headers: {
          authorization: `Bearer ${token}`,
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
        },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/**
 * PURCHASE events over HTTP against PostgreSQL with 10 running campaigns, from
 * `clients` concurrent keep-alive clients, and pgbench TPC-B on the same server in
 * the same run. Prints events/s, p50/p99 and the ratio.
 */
export async function benchPurchase() {
  const baseUrl = process.env.DATABASE_URL;
  if (!baseUrl)
    throw new Error(
      "set DATABASE_URL to a PostgreSQL server (e.g. postgres://postgres@127.0.0.1:5432/postgres)",
    );
  const clients = Number(process.env.BENCH_CLIENTS ?? 8);
  const seconds = Number(process.env.BENCH_SECONDS ?? 10);
  const procs = Number(process.env.BENCH_APP_PROCS ?? 2);
  const customersCount = Number(process.env.BENCH_CUSTOMERS ?? 1000);
  const scratch = await scratchDatabase(baseUrl, "tally_bench");
  const children: ChildProcess[] = [];
  try {
    const { db } = createDb({ databaseUrl: scratch.url });
    await migrateToLatest(db);
    const deps = { db, now: () => new Date() };
    const key = "bench-server-key-0000";
    const demo = await seedDemo(deps, { serverKey: key });
    for (let i = 1; i < 10; i++) {
      await createCampaign(deps, demo.accountId, "BEHAVIOR", {
        name: `campaign ${i}`,
        attributes: { trigger: "PURCHASE" },
        status: "ACTIVE",
        withoutEndDate: true,
        rules: [
          {
            conditions: [
              [
                {
                  type: "Order Value",
                  operator: "greater than",
                  primitive: "number",
                  value: i * 5,
                },
              ],
            ],
            effects: [
              {
                reward_id: demo.rewardId,
                amount: 1,
                expiration_date: "6/months",
                calculation: "FIXED",
              },
            ],
          },
        ],
      });
    }
    const customerIds = Array.from({ length: customersCount }, (_, i) => `bench-${i}`);
    for (let i = 0; i < customerIds.length; i += 50) {
      await Promise.all(
        customerIds
          .slice(i, i + 50)
          .map((id) => createCustomer(deps, demo.accountId, { id, is_anonymous: false })),
      );
    }
    await db.destroy();

    const ports = Array.from({ length: procs }, (_, i) => 3900 + i);
    for (const port of ports) children.push(await startApp(scratch.url, port, key));
    const authorized = await fetch(
      `http://127.0.0.1:${ports[0]}/api/storefront/v1/auth/authorize`,
      {
        headers: { "x-api-key": key },
      },
    );
    const token = ((await authorized.json()) as { data: string }).data;

    let seq = 0;
    const fire = async (port: number) => {
      const n = seq++;
      const body = {
        customer_id: customerIds[n % customerIds.length],
        brand_id: "0001",
        type: "PURCHASE",
        order: { purchase_id: `bench-${n}`, value: 10 + (n % 90), payment_method: "CREDIT" },
      };
      const t0 = performance.now();
      const status = await post(
        port,
        "/api/storefront/v1/behavior/events",
        token,
        JSON.stringify(body),
      );
      if (status !== 201) throw new Error(`unexpected status ${status}`);
      return performance.now() - t0;
    };
    const run = async (ms: number, record: number[] | null) => {
      const until = performance.now() + ms;
      await Promise.all(
        Array.from({ length: clients }, async (_, c) => {
          while (performance.now() < until) {
            const t = await fire(ports[c % ports.length]!);
            record?.push(t);
          }
        }),
      );
    };
    await run(2000, null);
    const latencies: number[] = [];
    const t0 = performance.now();
    await run(seconds * 1000, latencies);
    const elapsed = (performance.now() - t0) / 1000;
    latencies.sort((a, b) => a - b);
    const eventsPerSec = latencies.length / elapsed;
    const p50 = percentile(latencies, 50);
    const p99 = percentile(latencies, 99);
    for (const c of children) c.kill("SIGTERM");
    children.length = 0;

    const tps = await pgbenchTps(baseUrl, { clients, seconds });
    const ratio = eventsPerSec / tps;
    console.log(
      `PURCHASE over HTTP, ${clients} clients, ${procs} app process(es), 10 running campaigns, ${seconds}s:`,
    );
    console.log(
      `  ${fmt(eventsPerSec, 0)} events/s  p50 ${fmt(p50)} ms  p99 ${fmt(p99)} ms  (target p99 < 25 ms)`,
    );
    console.log(`pgbench TPC-B-like, ${clients} clients, same server: ${fmt(tps, 0)} tps`);
    console.log(`ratio events/s ÷ pgbench tps = ${fmt(ratio, 3)}  (target ≥ 0.4)`);
    return { eventsPerSec, p50, p99, tps, ratio };
  } finally {
    for (const c of children) c.kill("SIGTERM");
    await scratch.drop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchPurchase();
