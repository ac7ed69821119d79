import { type ChildProcess, spawn } from "node:child_process";
import http from "node:http";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { createDb, type Db, migrateToLatest } from "@tally/db";
import { createCampaign, createCustomer, type DemoAccount, seedDemo } from "@tally/service";
import { sql } from "kysely";
import { startCpuMeter } from "./cpu.ts";
import { type OpenLoopResult, runOpenLoop } from "./open-loop.ts";
import { scratchDatabase } from "./pg.ts";
import { percentile } from "./stats.ts";

const REST_MAIN = fileURLToPath(new URL("../../apps/rest/src/main.ts", import.meta.url));
const KEY = "bench-server-key-0000";

/** The PostgreSQL server every HTTP benchmark needs (DATABASE_URL). */
export function serverUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) {
    throw new Error(
      "set DATABASE_URL to a PostgreSQL server (e.g. postgres://postgres@127.0.0.1:5432/postgres)",
    );
  }
  return url;
}

/**
 * Starts an app process on `port`: apps/rest's main.ts, or `entry` (bare-app.ts); `env` is laid
 * over the benchmark's defaults (no demo, no worker, no log lines).
 */
export function startApp(
  url: string,
  port: number,
  opts: { entry?: string; env?: Record<string, string> } = {},
): Promise<ChildProcess> {
  const profile = process.env.BENCH_CPU_PROF
    ? [`--cpu-prof`, `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
    : [];
  // The benchmark seeds its demo account itself; the app only serves it.
  const { DEMO_API_KEY: _, ...inherited } = process.env;
  const child = spawn(process.execPath, [...profile, "--import", "tsx", opts.entry ?? REST_MAIN], {
    env: {
      ...inherited,
      DATABASE_URL: url,
      PORT: String(port),
      // Several app processes on one machine: the internal API each also serves takes any port.
      INTERNAL_PORT: "0",
      DEMO: "off",
      LOG_LEVEL: "silent",
      WORKER: "off",
      JWT_SECRET: "b".repeat(32),
      DB_POOL_SIZE: "10",
      ...opts.env,
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

/** A keep-alive request with node:http (lighter than fetch, so the load generator steals less CPU). */
export function send(
  port: number,
  method: string,
  path: string,
  token: string,
  body: string,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port,
        path: `/api/storefront/v1${path}`,
        method,
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

/** What a benchmark body gets: the seeded demo account, its customers and the running apps. */
export interface BenchApp {
  demo: DemoAccount;
  customerIds: string[];
  ports: number[];
  /** The scratch database's URL. */
  url: string;
  /** More app processes on the same database (stopped with the others). */
  start(port: number, opts?: Parameters<typeof startApp>[2]): Promise<void>;
  token: string;
  /**
   * `clients` concurrent loops calling `call(n, port)` for `seconds` after a 2 s warm-up (closed
   * loop: the most the apps serve); with the CPU each side spent per call served (cpu.ts).
   */
  load(opts: {
    clients: number;
    seconds: number;
    call: (n: number, port: number) => Promise<void>;
    /** The apps to call (default the `procs` apps). */
    ports?: number[];
  }): Promise<LoadResult>;
  /**
   * Calls `call(n, port)` at a fixed `rate` per second for `seconds` after a 2 s warm-up at the
   * same rate (open loop, open-loop.ts): latency counts from each call's scheduled time.
   */
  paced(opts: {
    rate: number;
    seconds: number;
    call: (n: number, port: number) => Promise<void>;
  }): Promise<OpenLoopResult>;
}

/** A closed-loop run: calls/s, latency, and CPU per call served in ms of each side. */
export interface LoadResult {
  perSec: number;
  p50: number;
  p99: number;
  cpu: { app: number; postgres: number; generator: number };
}

/**
 * A scratch database on the server with the demo account, 10 running PURCHASE campaigns and
 * `customers` customers (`prepare` may add more), `procs` app processes on it; runs `body`,
 * then stops the apps and drops the database.
 */
export async function withBenchApp<T>(
  opts: {
    customers: number;
    procs: number;
    /** How the `procs` apps start (see startApp). */
    app?: Parameters<typeof startApp>[2];
    prepare?: (db: Db, app: { demo: DemoAccount; customerIds: string[] }) => Promise<void>;
  },
  body: (app: BenchApp) => Promise<T>,
): Promise<T> {
  const scratch = await scratchDatabase(serverUrl(), "tally_bench");
  const children: ChildProcess[] = [];
  const pidOfPort = new Map<number, number>();
  try {
    const { db } = createDb({ databaseUrl: scratch.url });
    await migrateToLatest(db);
    const deps = { db, now: () => new Date() };
    const demo = await seedDemo(deps, { serverKey: KEY });
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
    const customerIds = Array.from({ length: opts.customers }, (_, i) => `bench-${i}`);
    for (let i = 0; i < customerIds.length; i += 50) {
      await Promise.all(
        customerIds
          .slice(i, i + 50)
          .map((id) => createCustomer(deps, demo.accountId, { id, is_anonymous: false })),
      );
    }
    await opts.prepare?.(db, { demo, customerIds });
    // A live database has planner statistics; freshly seeded tables would have none.
    await sql`analyze`.execute(db);
    await db.destroy();

    const ports = Array.from({ length: opts.procs }, (_, i) => 3900 + i);
    const start: BenchApp["start"] = async (port, startOpts) => {
      const child = await startApp(scratch.url, port, startOpts);
      children.push(child);
      if (child.pid) pidOfPort.set(port, child.pid);
    };
    for (const port of ports) await start(port, opts.app);
    const authorized = await fetch(
      `http://127.0.0.1:${ports[0]}/api/storefront/v1/auth/authorize`,
      {
        headers: { "x-api-key": KEY },
      },
    );
    const token = ((await authorized.json()) as { data: string }).data;
    let seq = 0;
    const load: BenchApp["load"] = async ({ clients, seconds, call, ports: on = ports }) => {
      const run = async (ms: number, record: number[] | null) => {
        const until = performance.now() + ms;
        await Promise.all(
          Array.from({ length: clients }, async (_, c) => {
            while (performance.now() < until) {
              const t0 = performance.now();
              await call(seq++, on[c % on.length]!);
              record?.push(performance.now() - t0);
            }
          }),
        );
      };
      await run(2000, null);
      const latencies: number[] = [];
      const stopMeter = await startCpuMeter({
        appPids: on.flatMap((port) => pidOfPort.get(port) ?? []),
        serverUrl: serverUrl(),
        database: new URL(scratch.url).pathname.slice(1),
      });
      const t0 = performance.now();
      await run(seconds * 1000, latencies);
      const elapsed = (performance.now() - t0) / 1000;
      const cpu = await stopMeter();
      latencies.sort((a, b) => a - b);
      const n = latencies.length;
      return {
        perSec: n / elapsed,
        p50: percentile(latencies, 50),
        p99: percentile(latencies, 99),
        cpu: { app: cpu.app / n, postgres: cpu.postgres / n, generator: cpu.generator / n },
      };
    };
    const paced: BenchApp["paced"] = async ({ rate, seconds, call }) => {
      await runOpenLoop({ rate, seconds: 2, call: (n) => call(seq++, ports[n % ports.length]!) });
      return runOpenLoop({ rate, seconds, call: (n) => call(seq++, ports[n % ports.length]!) });
    };
    const result = await body({
      demo,
      customerIds,
      ports,
      token,
      load,
      paced,
      url: scratch.url,
      start,
    });
    for (const c of children) c.kill("SIGTERM");
    children.length = 0;
    return result;
  } finally {
    for (const c of children) c.kill("SIGTERM");
    await scratch.drop();
  }
}

/** Throws unless the answer had the expected status (a benchmark must not count failures). */
export function expectStatus(status: number, expected: number, what: string): void {
  if (status !== expected) throw new Error(`${what}: unexpected status ${status}`);
}
