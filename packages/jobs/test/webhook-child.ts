// A webhook delivery loop in a process of its own, on DATABASE_URL: the crash test kills it.
import { createDb } from "@tally/db";
import { runWebhookWorker } from "../src/index.ts";

const { db } = createDb({ databaseUrl: process.env.DATABASE_URL!, poolSize: 4 });
const controller = new AbortController();
process.on("SIGTERM", () => controller.abort());
console.log("webhook worker ready");
await runWebhookWorker({
  db,
  now: () => new Date(),
  signal: controller.signal,
  allowPrivate: true,
  pollMs: 20,
  batchSize: 4,
  timeoutMs: 2_000,
  leaseMs: 3_000,
});
await db.destroy();
