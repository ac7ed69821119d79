import { createServer } from "node:http";
import { createInternalHandler, INTERNAL_PATH } from "@tally/api";
import { migrateToLatest, openDb, orExit } from "@tally/db";
import { allowPrivateWebhookUrls } from "@tally/service";
import { readEnv } from "./env.ts";

// The internal API on its own: stateless, so any number of copies may serve one PostgreSQL.
const env = orExit(() => readEnv());
const { db, kind } = openDb(env);
await migrateToLatest(db);
const handler = createInternalHandler({
  db,
  now: () => new Date(),
  allowPrivateWebhookUrls: allowPrivateWebhookUrls(env),
  logger: { error: (m, e) => console.error(m, e) },
});
const server = createServer(handler);
await new Promise<void>((resolve, reject) => {
  server.once("error", reject);
  server.listen(env.INTERNAL_PORT, resolve);
}).catch((error: Error) => {
  console.error(`cannot listen on port ${env.INTERNAL_PORT}: ${error.message}`);
  process.exit(1);
});
const shutdown = () => server.close(() => db.destroy().then(() => process.exit(0)));
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);

const port = (server.address() as { port: number }).port;
if (env.LOG_LEVEL === "info")
  console.log(
    `Tally internal API on http://localhost:${port}${INTERNAL_PATH} (${kind === "pglite" ? `embedded PostgreSQL in ${env.TALLY_DATA_DIR}` : "PostgreSQL"})`,
  );
