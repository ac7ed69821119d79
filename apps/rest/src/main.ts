import { resolve } from "node:path";
import { migrateToLatest, openDb, orExit } from "@tally/db";
import { jobsConfig, startJobs } from "@tally/jobs";
import { createLogger, createMetrics, handleShutdown } from "@tally/observability";
import {
  databaseRequestCounter,
  ensureDemoKey,
  findDemoAccount,
  memoryRequestCounter,
  seedDemo,
} from "@tally/service";
import { API_PREFIX, createApp } from "./app.ts";
import { readServerEnv } from "./env.ts";
import { serveInternal } from "./internal.ts";
import { keptJwtSecret } from "./jwt-secret.ts";
import { startServer } from "./server.ts";

const env = orExit(() => readServerEnv());
const logger = createLogger({ level: env.LOG_LEVEL });
const { db, kind, poolStats } = openDb(env);
await migrateToLatest(db);
const deps = { db, now: () => new Date() };
/** The start's lines for a person at a terminal (the demo's keys and curl lines): plain text. */
const say = env.LOG_LEVEL === "silent" ? () => {} : (text: string) => console.log(text);

/** Logs one line and exits 1: a start that cannot go on. */
function fail(message: string): never {
  logger.error(message);
  process.exit(1);
}

// Without JWT_SECRET (only allowed on the embedded database) tokens are signed with a secret
// kept beside the data folder, so they outlive a restart.
const jwtSecret = env.JWT_SECRET
  ? new TextEncoder().encode(env.JWT_SECRET)
  : await keptJwtSecret(`${resolve(env.TALLY_DATA_DIR)}.jwt-secret`).catch((error: Error) =>
      fail(error.message),
    );

let shutdown: ReturnType<typeof handleShutdown> | undefined;
const app = createApp({
  ...deps,
  jwtSecret,
  migrationRateLimit: env.MIGRATION_RATE_LIMIT,
  logger: { error: (msg, err) => logger.error({ err }, msg), info: (msg) => logger.info(msg) },
  log: logger,
  metrics: createMetrics({ db, poolStats }),
  metricsToken: env.METRICS_TOKEN,
  draining: () => shutdown?.draining() ?? false,
  // docs/api-decisions.md#rate-limits: shared through the database on PostgreSQL.
  requestCounter: kind === "postgres" ? databaseRequestCounter(db) : memoryRequestCounter(),
  corsOrigins: env.CORS_ORIGINS,
});
const timeouts = {
  requestTimeoutMs: env.REQUEST_TIMEOUT_SECONDS * 1000,
  headersTimeoutMs: env.HEADERS_TIMEOUT_SECONDS * 1000,
  keepAliveTimeoutMs: env.KEEP_ALIVE_TIMEOUT_SECONDS * 1000,
};
const server = await startServer(app, { port: env.PORT, ...timeouts }).catch((error: Error) =>
  fail(`cannot listen on port ${env.PORT}: ${error.message}`),
);
// The internal API beside it; on the embedded database with a kept operator token.
const internal = await serveInternal({
  db,
  server: { port: env.INTERNAL_PORT, ...timeouts },
  logger: { error: (msg, err) => logger.error({ err }, msg) },
  keptAt: kind === "pglite" ? resolve(env.TALLY_DATA_DIR) : undefined,
}).catch((error: Error) =>
  fail(`cannot serve the internal API on port ${env.INTERNAL_PORT}: ${error.message}`),
);

// The migration worker and the maintenance jobs, unless WORKER=off.
const stopJobs = startJobs({
  ...deps,
  ...jobsConfig(env),
  logger: { error: (msg, err) => logger.error({ err }, msg), info: (msg) => logger.info(msg) },
});
// SIGTERM/SIGINT: in-flight requests finish, the worker hands back its job, then the database
// closes; forced exit after SHUTDOWN_TIMEOUT_SECONDS (docs/operations.md#shutdown).
shutdown = handleShutdown({
  server,
  logger,
  timeoutMs: env.SHUTDOWN_TIMEOUT_SECONDS * 1000,
  stop: () => internal.stop().then(() => stopJobs()),
  close: () => db.destroy(),
});

const port = (server.address() as { port: number }).port;
const base = `http://localhost:${port}${API_PREFIX}`;
const demoAccount = await announceDemo(base);
announceInternal(demoAccount);
logger.info({ port, database: kind }, "listening");
say(`API docs: http://localhost:${port}/docs (OpenAPI document: /openapi.json)`);
// Last: once this line is out, the start is complete.
say(
  `Tally REST API on ${base} (${kind === "pglite" ? `embedded PostgreSQL in ${env.TALLY_DATA_DIR}` : "PostgreSQL"})`,
);

/** The internal API's address, its operator token and one call to paste. */
function announceInternal(accountId: string | null) {
  say(`\nTally internal API (tRPC) on ${internal.url}`);
  if (!internal.operatorToken) {
    say("  service tokens: pnpm admin create-service-token (docs/internal-api.md)");
    return;
  }
  const [procedure, input] = accountId
    ? ["brands.list", { account_id: accountId }]
    : ["operatorTokens.list", {}];
  say(`  operator token (kept in ${resolve(env.TALLY_DATA_DIR)}.operator-token): ${internal.operatorToken}
  curl -s -H 'Authorization: Bearer ${internal.operatorToken}' '${internal.url}/${procedure}?input=${encodeURIComponent(JSON.stringify(input))}'
`);
}

/**
 * With DEMO on, the demo account: created once (its keys printed), or DEMO_API_KEY added.
 * Answers the demo account's id, if there is one.
 */
async function announceDemo(base: string): Promise<string | null> {
  const existing = await findDemoAccount(db);
  if (env.DEMO === "off") {
    if (existing)
      say(
        `DEMO is off; the demo account ${existing} of an earlier start is left as it is and its keys still work (pnpm admin revoke-key stops one).`,
      );
    return null;
  }
  if (existing && !env.DEMO_API_KEY) {
    say(
      `Demo account ${existing} already exists; its key was printed when it was created (set DEMO_API_KEY to add one).`,
    );
    return existing;
  }
  if (existing && env.DEMO_API_KEY) {
    const outcome = await ensureDemoKey(db, existing, env.DEMO_API_KEY);
    const said = {
      taken: "is already another key (another account's, a CLIENT or a revoked one): not added",
      added: "is now one of its SERVER keys",
      present: "is one of its SERVER keys",
    }[outcome];
    say(`Demo account ${existing}: DEMO_API_KEY ${said}.`);
    return existing;
  }
  const demo = await seedDemo(deps, { serverKey: env.DEMO_API_KEY });
  say(`
Demo account ${demo.accountId} created.
  SERVER API key: ${demo.serverKey}
  CLIENT API key: ${demo.clientKey}
  brand "${demo.brandId}", POINTS reward ${demo.rewardId}, PURCHASE campaign ${demo.campaignId}, customer "${demo.customerId}"

Earn points:
  TOKEN=$(curl -s -H 'x-api-key: ${demo.serverKey}' ${base}/auth/authorize | sed -E 's/.*"data":"([^"]+)".*/\\1/')
  curl -s -X POST ${base}/behavior/events -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \\
    -d '{"customer_id":"${demo.customerId}","brand_id":"${demo.brandId}","type":"PURCHASE","order":{"purchase_id":"order-1","value":120.5}}'
`);
  return demo.accountId;
}
