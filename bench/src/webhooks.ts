import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { createDb } from "@tally/db";
import { runWebhookWorker } from "@tally/jobs";
import { createWebhookSubscription } from "@tally/service";
import { expectStatus, send, withBenchApp } from "./harness.ts";
import { fmt, percentile } from "./stats.ts";

/**
 * PURCHASE over HTTP with no webhook subscription, then with one receiver subscribed to every
 * event (and the delivery loop running), in the same run on the same apps: the throughput cost
 * of the outbox. Then, at a paced 100 events/s, the lag from each change's transaction to its
 * receipt (measured from the body's created_at, taken when the transaction starts: an upper
 * bound of commit → receipt).
 */
export async function benchWebhooks() {
  const clients = Number(process.env.BENCH_CLIENTS ?? 8);
  const seconds = Number(process.env.BENCH_SECONDS ?? 10);
  const procs = Number(process.env.BENCH_APP_PROCS ?? 2);
  const rate = Number(process.env.BENCH_WEBHOOK_RATE ?? 100);
  const lags: number[] = [];
  let bodyBytes = 0;
  let received = 0;
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const at = Date.now();
      received++;
      bodyBytes += body.length;
      const { created_at } = JSON.parse(body.toString("utf8")) as { created_at: string };
      if (measuring) lags.push(at - Date.parse(created_at));
      res.writeHead(204).end();
    });
  });
  let measuring = false;
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;

  const result = await withBenchApp({ customers: 1000, procs }, async (app) => {
    let n = 0;
    const purchase = async (port: number) => {
      const body = {
        customer_id: app.customerIds[n % app.customerIds.length],
        brand_id: "0001",
        type: "PURCHASE",
        order: { purchase_id: `wh-${n++}`, value: 10 + (n % 90), payment_method: "CREDIT" },
      };
      expectStatus(
        await send(port, "POST", "/behavior/events", app.token, JSON.stringify(body)),
        201,
        "PURCHASE",
      );
    };
    const load = () => app.load({ clients, seconds, call: (_, port) => purchase(port) });
    const none1 = await load();

    const { db } = createDb({ databaseUrl: app.url, poolSize: 4 });
    const deps = { db, now: () => new Date(), allowPrivateWebhookUrls: true };
    await createWebhookSubscription(deps, app.demo.accountId, { url });
    const stop = new AbortController();
    const worker = runWebhookWorker({
      db,
      now: deps.now,
      signal: stop.signal,
      allowPrivate: true,
    });
    const one = await load();
    // Back to no subscriber: disable it, let the loop catch up, measure again.
    await db.updateTable("webhook_subscriptions").set({ enabled: false }).execute();
    const none2 = await load();
    await db.updateTable("webhook_subscriptions").set({ enabled: true }).execute();

    // Paced load: one PURCHASE every 1000/rate ms, open loop, for `seconds`.
    await waitDrained(db);
    measuring = true;
    const pending: Promise<void>[] = [];
    const t0 = performance.now();
    for (let i = 0; i < rate * seconds; i++) {
      const due = t0 + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      pending.push(purchase(app.ports[i % app.ports.length]!));
    }
    await Promise.all(pending);
    const paced = (rate * seconds) / ((performance.now() - t0) / 1000);
    await waitDrained(db);
    measuring = false;
    stop.abort();
    await worker;
    await db.destroy();
    return { none1, one, none2, paced };
  });
  receiver.close();

  const none = (result.none1.perSec + result.none2.perSec) / 2;
  const cost = 1 - result.one.perSec / none;
  lags.sort((a, b) => a - b);
  console.log(
    `Webhooks: PURCHASE over HTTP, ${clients} clients, ${procs} app process(es), ${seconds}s each:`,
  );
  console.log(
    `  no subscriber   ${fmt(result.none1.perSec, 0)} / ${fmt(result.none2.perSec, 0)} events/s (before / after)  p99 ${fmt(result.none1.p99)} / ${fmt(result.none2.p99)} ms`,
  );
  console.log(
    `  one subscriber  ${fmt(result.one.perSec, 0)} events/s  p99 ${fmt(result.one.p99)} ms  (deliveries sent meanwhile)`,
  );
  console.log(`  throughput cost ${fmt(cost * 100, 1)} %  (target < 10 %)`);
  console.log(
    `  ${received} deliveries received, ${fmt(bodyBytes / Math.max(received, 1), 0)} bytes a body on average`,
  );
  console.log(
    `Webhook lag at ${rate} events/s asked, ${fmt(result.paced, 0)} served (transaction start → receipt), ${lags.length} deliveries: p50 ${fmt(percentile(lags, 50), 0)} ms  p99 ${fmt(percentile(lags, 99), 0)} ms  (target p99 < 1000 ms)`,
  );
  return { cost, p50: percentile(lags, 50), p99: percentile(lags, 99) };
}

/** Waits until no delivery is PENDING. */
async function waitDrained(db: ReturnType<typeof createDb>["db"]) {
  for (;;) {
    const row = await db
      .selectFrom("webhook_deliveries")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .where("status", "=", "PENDING")
      .executeTakeFirstOrThrow();
    if (Number(row.n) === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchWebhooks();
