import { getMigrationJob, queueMigration } from "@tally/service";
import { Router } from "express";
import { type AppDeps, DEFAULT_MIGRATION_RATE_LIMIT } from "../deps.ts";
import { accountOf, idOf, serverOnly } from "../middleware/auth.ts";
import { rateLimitHeaders } from "../middleware/errors.ts";
import { reply } from "../middleware/idempotency.ts";

/**
 * The three migrate routes (SERVER keys; 10 MB bodies, parsed in app.ts): the whole
 * batch is validated, stored as a job and answered 202; the importer's worker runs
 * it. Unknown reward or brand ids are a 400 like any other bad field of the batch
 * (the URL's resource exists; the body is what is wrong), naming each item and field.
 * GET /migrations/{id} (extension) reports a job's progress and per-item errors.
 * Batches are rate limited per account, as Masivo's migration limiter (429 + Retry-After).
 */
export function migrationsRouter(deps: AppDeps): Router {
  const router = Router();
  const routes = [
    ["/customers/migrate", "CUSTOMERS"],
    ["/customers/migrate/events", "EVENTS"],
    ["/customers/migrate/transactions", "TRANSACTIONS"],
  ] as const;
  const limit =
    deps.migrationRateLimit === undefined ? DEFAULT_MIGRATION_RATE_LIMIT : deps.migrationRateLimit;
  for (const [path, type] of routes) {
    router.post(path, serverOnly, async (req, res) => {
      await reply(
        res,
        () => queueMigration(deps, { accountId: accountOf(req), type, body: req.body, limit }),
        ({ job, rate }) => ({
          status: 202,
          body: { data: job },
          headers: rate ? rateLimitHeaders(rate) : undefined,
        }),
      );
    });
  }
  router.get("/migrations/:id", serverOnly, async (req, res) => {
    res.json({ data: await getMigrationJob(deps, accountOf(req), idOf(req)) });
  });
  return router;
}
