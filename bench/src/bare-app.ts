// The REST app as main.ts builds it, less the operations middleware: no request log lines, no
// metrics, no per-key rate limit. The overhead benchmark (overhead.ts) compares it with main.ts.
import { openDb, orExit } from "@tally/db";
import { createApp, readEnv, startServer } from "@tally/rest";

const env = orExit(() => readEnv());
const { db } = openDb(env);
const app = createApp({
  db,
  now: () => new Date(),
  jwtSecret: new TextEncoder().encode(env.JWT_SECRET),
  requestCounter: null,
});
await startServer(app, {
  port: env.PORT,
  requestTimeoutMs: 30_000,
  headersTimeoutMs: 10_000,
  keepAliveTimeoutMs: 5_000,
});
process.on("SIGTERM", () => process.exit(0));
