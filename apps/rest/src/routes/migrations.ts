import { enqueueMigration, getMigrationJob } from "@tally/service";
import { Router } from "express";
import type { AppDeps } from "../app.ts";
import { accountOf, idOf, serverOnly } from "../middleware/auth.ts";

/**
 * The three migrate routes (SERVER keys; 10 MB bodies, parsed in app.ts): the whole
 * batch is validated, stored as a job and answered 202; the importer's worker runs
 * it. Unknown reward or brand ids are a 400 like any other bad field of the batch
 * (the URL's resource exists; the body is what is wrong), naming each item and field.
 * GET /migrations/{id} (extension) reports a job's progress and per-item errors.
 */
export function migrationsRouter(deps: AppDeps): Router {
  const router = Router();
  const routes = [
    ["/customers/migrate", "CUSTOMERS"],
    ["/customers/migrate/events", "EVENTS"],
    ["/customers/migrate/transactions", "TRANSACTIONS"],
  ] as const;
  for (const [path, type] of routes) {
    router.post(path, serverOnly, async (req, res) => {
      res.status(202).json({ data: await enqueueMigration(deps, accountOf(req), type, req.body) });
    });
  }
  router.get("/migrations/:id", serverOnly, async (req, res) => {
    res.json({ data: await getMigrationJob(deps, accountOf(req), idOf(req)) });
  });
  return router;
}
