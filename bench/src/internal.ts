import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { createInternalHandler, INTERNAL_PATH } from "@tally/api";
import { createTallyClient } from "@tally/client";
import { createDb, migrateToLatest } from "@tally/db";
import { ZCustomerCreateSchema } from "@tally/schemas";
import {
  adjustWallet,
  createCustomer,
  createServiceToken,
  getCustomerWithWallet,
  seedDemo,
} from "@tally/service";
import { serverUrl } from "./harness.ts";
import { scratchDatabase } from "./pg.ts";
import { fmt, percentile } from "./stats.ts";

// What the internal API adds to a read: customers.get (a customer with its wallet) through the
// typed client over HTTP on localhost, against the same service call made in-process, on the
// same database, customer and connection pool, in one run.
const CALLS = Number(process.env.BENCH_INTERNAL_CALLS ?? 2000);
const WARMUP = 200;
const LOTS = 20;

async function timed(n: number, call: () => Promise<unknown>): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    await call();
    ms.push(performance.now() - start);
  }
  return ms.sort((a, b) => a - b);
}

export async function benchInternal(): Promise<void> {
  const scratch = await scratchDatabase(serverUrl(), "tally_bench_internal");
  const { db } = createDb({ databaseUrl: scratch.url, poolSize: 4 });
  const server = createServer(
    createInternalHandler({ db, now: () => new Date(), logger: console }),
  );
  try {
    await migrateToLatest(db);
    const deps = { db, now: () => new Date() };
    const demo = await seedDemo(deps, { serverKey: "bench-internal-key-000" });
    const accountId = demo.accountId;
    const customerId = "bench-reader";
    await createCustomer(deps, accountId, ZCustomerCreateSchema.parse({ id: customerId }));
    const rewardId = demo.rewardId;
    // A wallet of several lots, as a regular customer's.
    for (let i = 0; i < LOTS; i++) {
      await adjustWallet(deps, accountId, {
        id: randomUUID(),
        customer_id: customerId,
        reward_id: rewardId,
        direction: "CREDIT",
        amount: 10 + i,
        reason: "bench",
        actor: "bench",
        expires_in: `${i + 1}/months`,
      });
    }
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${INTERNAL_PATH}`;
    const { token } = await createServiceToken(db, { accountId, name: "bench" });
    const client = createTallyClient({ url, token });
    const direct = () => getCustomerWithWallet(deps, accountId, customerId);
    const viaApi = () => client.customers.get.query({ customer_id: customerId });
    const check = await viaApi();
    if (check.wallet.totals.length !== 1) throw new Error("the bench wallet is not as seeded");
    await timed(WARMUP, direct);
    await timed(WARMUP, viaApi);
    // Interleaved halves, so drift (cache, autovacuum) falls on both sides alike.
    const a1 = await timed(CALLS / 2, direct);
    const b1 = await timed(CALLS / 2, viaApi);
    const a2 = await timed(CALLS / 2, direct);
    const b2 = await timed(CALLS / 2, viaApi);
    const a = [...a1, ...a2].sort((x, y) => x - y);
    const b = [...b1, ...b2].sort((x, y) => x - y);
    const [ap50, ap99, bp50, bp99] = [
      percentile(a, 50),
      percentile(a, 99),
      percentile(b, 50),
      percentile(b, 99),
    ];
    console.log(
      `internal API read overhead — customers.get with a wallet of ${LOTS} lots, ${CALLS} calls each, one at a time`,
    );
    console.log(`  in-process service call   p50 ${fmt(ap50)} ms   p99 ${fmt(ap99)} ms`);
    console.log(`  tRPC over HTTP (client)   p50 ${fmt(bp50)} ms   p99 ${fmt(bp99)} ms`);
    console.log(`  ratio tRPC/in-process     p50 ${fmt(bp50 / ap50)}×   p99 ${fmt(bp99 / ap99)}×`);
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await db.destroy();
    await scratch.drop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchInternal();
