import { migrateToLatest, openDb, orExit } from "@tally/db";
import { readEnv } from "./env.ts";
import { startScheduler } from "./scheduler.ts";
import { schedulerConfig } from "./scheduler-env.ts";
import { runWorker } from "./worker.ts";

// A standalone worker process; several may run against one PostgreSQL database.
const env = orExit(() => readEnv());
const { db, kind } = openDb(env);
await migrateToLatest(db);
const controller = new AbortController();
const stop = () => controller.abort();
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
console.log(`Tally importer worker polling migration jobs (${kind})`);
const scheduler = startScheduler({
  db,
  now: () => new Date(),
  signal: controller.signal,
  ...schedulerConfig(env),
});
await runWorker({
  db,
  now: () => new Date(),
  signal: controller.signal,
  pollMs: env.WORKER_POLL_MS,
});
await scheduler.stop();
await db.destroy();
