import { randomBytes } from "node:crypto";
import { migrateToLatest, openDb, orExit } from "@tally/db";
import { schedulerConfig } from "@tally/importer";
import { ensureDemoKey, findDemoAccount, seedDemo } from "@tally/service";
import { API_PREFIX, createApp } from "./app.ts";
import { readEnv } from "./env.ts";
import { startInProcessWorker } from "./worker.ts";

const env = orExit(() => readEnv());
const { db, kind } = openDb(env);
await migrateToLatest(db);
const deps = { db, now: () => new Date() };

if (!env.JWT_SECRET)
  console.warn(
    "JWT_SECRET is not set: tokens are signed with a random secret and die with this process.",
  );
const jwtSecret = env.JWT_SECRET ? new TextEncoder().encode(env.JWT_SECRET) : randomBytes(32);
const log = env.LOG_LEVEL === "silent" ? () => {} : console.log;

const app = createApp({
  ...deps,
  jwtSecret,
  migrationRateLimit: env.MIGRATION_RATE_LIMIT,
  logger: { error: (m, e) => console.error(m, e), info: log },
});
const server = app.listen(env.PORT, async (error?: Error) => {
  if (error) {
    console.error(`cannot listen on port ${env.PORT}: ${error.message}`);
    process.exit(1);
  }
  const port = (server.address() as { port: number }).port;
  const base = `http://localhost:${port}${API_PREFIX}`;
  log(
    `Tally REST API on ${base} (${kind === "pglite" ? `embedded PostgreSQL in ${env.TALLY_DATA_DIR}` : "PostgreSQL"})`,
  );
  const existing = await findDemoAccount(db);
  if (existing && !env.DEMO_API_KEY) {
    log(
      `Demo account ${existing} already exists; its key was printed when it was created (set DEMO_API_KEY to add one).`,
    );
    return;
  }
  if (existing && env.DEMO_API_KEY) {
    const outcome = await ensureDemoKey(db, existing, env.DEMO_API_KEY);
    const said = {
      taken: "is already another key (another account's, a CLIENT or a revoked one): not added",
      added: "is now one of its SERVER keys",
      present: "is one of its SERVER keys",
    }[outcome];
    log(`Demo account ${existing}: DEMO_API_KEY ${said}.`);
    return;
  }
  const demo = await seedDemo(deps, { serverKey: env.DEMO_API_KEY });
  log(`
Demo account ${demo.accountId} created.
  SERVER API key: ${demo.serverKey}
  CLIENT API key: ${demo.clientKey}
  brand "${demo.brandId}", POINTS reward ${demo.rewardId}, PURCHASE campaign ${demo.campaignId}, customer "${demo.customerId}"

Earn points:
  TOKEN=$(curl -s -H 'x-api-key: ${demo.serverKey}' ${base}/auth/authorize | sed -E 's/.*"data":"([^"]+)".*/\\1/')
  curl -s -X POST ${base}/behavior/events -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \\
    -d '{"customer_id":"${demo.customerId}","brand_id":"${demo.brandId}","type":"PURCHASE","order":{"purchase_id":"order-1","value":120.5}}'
`);
});

const stopWorker = startInProcessWorker({
  ...deps,
  enabled: env.WORKER === "on",
  ...schedulerConfig(env),
});
const shutdown = () =>
  server.close(() =>
    stopWorker()
      .then(() => db.destroy())
      .then(() => process.exit(0)),
  );
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
